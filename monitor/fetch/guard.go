package fetch

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"syscall"

	"github.com/takedownwatch/takedownwatch/config"
)

// ErrPrivateAddress is a fetch refused because its host is on this
// machine or a private network and the configuration does not name it.
var ErrPrivateAddress = errors.New("refused: the host is on a loopback, private or link-local network, " +
	"and no source, API base or report channel of the configuration names it")

// guard keeps what watched sources link to off the networks the daemon
// sits on. Item links, media, redirects and report targets come from the
// watched, who could point them at a cloud metadata service or an admin
// page on the host, and the answers would be published at /captures. The
// hosts the operator configured are fetched wherever they are (a sandbox
// on 127.0.0.1, a party site on the office network); any other host is
// fetched only when none of its addresses is private.
type guard struct{ trusted map[string]bool }

// WithTrustedHosts turns the address guard on: private addresses are
// fetched only for these hosts, each "host:port" as config.HostPort writes
// them (config.Config.Hosts gives them). A port is part of what is trusted: a
// feed bridge configured on 127.0.0.1:3000 does not open the machine's
// other ports to what watched content links to.
func WithTrustedHosts(hosts ...string) Option {
	return func(c *Client) {
		c.guard = &guard{trusted: map[string]bool{}}
		for _, h := range hosts {
			c.guard.trusted[strings.ToLower(h)] = true
		}
	}
}

// numericLabel is a label of a host written as a number: decimal, octal
// (0…) or hex (0x…), as inet_aton reads "127.1", "0x7f.1" or "2130706433".
var numericLabel = regexp.MustCompile(`^(0[xX][0-9a-fA-F]*|[0-9]+)$`)

// numericHost reports whether host is all numeric labels: an IPv4 address
// in one of inet_aton's forms (which Go does not read, but a proxy's
// resolver may, as its own loopback).
func numericHost(host string) bool {
	for _, l := range strings.Split(host, ".") {
		if !numericLabel.MatchString(l) {
			return false
		}
	}
	return true
}

// guardKey marks a request's context: its connections must not reach a
// private address (the dial checks each one, after DNS, so a name that
// resolved public before and private now is refused too).
type guardKey struct{}

// check refuses u's host before a request when it is not trusted and is,
// or resolves to, a private address, or is written as a number other than
// an address; it marks ctx for the dial. Names that do not resolve pass:
// the dial fails on them as it would.
func (g *guard) check(ctx context.Context, u *url.URL) (context.Context, error) {
	if g == nil || g.trusted[config.HostPort(u)] {
		return ctx, nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if private(ip) {
			return ctx, ErrPrivateAddress
		}
		return context.WithValue(ctx, guardKey{}, true), nil
	}
	if numericHost(host) {
		// not dotted decimal: refused, whatever it would be read as
		return ctx, ErrPrivateAddress
	}
	if addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host); err == nil {
		for _, a := range addrs {
			if private(a) {
				return ctx, ErrPrivateAddress
			}
		}
	}
	return context.WithValue(ctx, guardKey{}, true), nil
}

// special are IPv4 ranges that are not the public internet besides those
// netip names: carrier-grade NAT (RFC 6598), IETF protocol assignments,
// benchmarking, reserved and broadcast (RFC 6890).
var special = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("240.0.0.0/4"),
}

// embedding are IPv6 ranges that carry an IPv4 address a gateway may
// reach for them: NAT64 (the last 32 bits) and 6to4 (bits 16 to 48).
var (
	nat64  = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4 = netip.MustParsePrefix("2002::/16")
	compat = netip.MustParsePrefix("::/96") // IPv4-compatible, deprecated
)

// private reports whether ip is not on the public internet, or is an IPv6
// address that carries such an IPv4 one.
func private(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64.Contains(ip), compat.Contains(ip) && !ip.IsUnspecified() && !ip.IsLoopback():
			return private(netip.AddrFrom4([4]byte(b[12:16])))
		case sixTo4.Contains(ip):
			return private(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range special {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// guardedDial dials as d does, refusing private addresses for requests
// check marked.
func guardedDial(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if ctx.Value(guardKey{}) == nil {
			return d.DialContext(ctx, network, addr)
		}
		gd := *d
		gd.Control = func(_, address string, _ syscall.RawConn) error {
			if ap, err := netip.ParseAddrPort(address); err == nil && private(ap.Addr()) {
				return ErrPrivateAddress
			}
			return nil
		}
		return gd.DialContext(ctx, network, addr)
	}
}
