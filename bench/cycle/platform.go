package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/takedownwatch/takedownwatch/internal/clip"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
)

// URLsFile is the name of the feed URL list (one URL a line) that
// -serve-only writes into -out and the parent reads back.
const URLsFile = "urls.txt"

// population says what the sandbox serves. It is a pure function of the
// flags, so a -serve-only child and its parent (or urlwatch.sh) agree on it
// without talking, and every run serves the same bytes.
type population struct {
	sources, posts, hosts int
	// mediaEvery gives every mediaEvery-th post of an account one enclosure
	// (0: none); mediaBytes is the enclosure's size.
	mediaEvery, mediaBytes int
}

// epoch dates the newest post; older posts go back a minute each.
var epoch = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// startPlatform starts the sandbox and publishes the population on it. It
// returns the feed URLs in account order.
func startPlatform(p population) (*sandbox.Sandbox, []string, error) {
	sb, err := sandbox.New(sandbox.Options{Hosts: p.hosts, ErrorLog: log.New(os.Stderr, "sandbox: ", 0)})
	if err != nil {
		return nil, nil, err
	}
	urls := make([]string, p.sources)
	for i := range p.sources {
		a := sb.AddAccount(i%p.hosts, accountName(i))
		// Oldest first, so the sandbox's ids count up with time.
		for j := p.posts - 1; j >= 0; j-- {
			post := sandbox.Post{
				ID:        fmt.Sprintf("%d", p.posts-j),
				Published: epoch.Add(-time.Duration(i*p.posts+j) * time.Minute),
			}
			post.Title, post.HTML = postText(i, j)
			if p.mediaEvery > 0 && j%p.mediaEvery == 0 {
				file := fmt.Sprintf("photo-%s.jpg", post.ID)
				a.SetMedia(file, p.mediaBytes, "image/jpeg")
				post.Media = []string{file}
			}
			a.Publish(post)
		}
		urls[i] = a.FeedURL()
	}
	return sb, urls, nil
}

func accountName(i int) string { return fmt.Sprintf("actor%04d", i+1) }

// Sentences posts are made of: the kind of thing ministries, parties and
// newsrooms post, in English and in Khmer (which has no spaces between
// words, the case normalization and search must get right).
var (
	english = []string{
		"The Ministry announced new measures to support farmers affected by the floods in the northwest provinces.",
		"Our party calls on the National Election Committee to publish the full voter lists before the commune elections.",
		"Journalists must be able to report on land disputes without fear of arrest or harassment.",
		"Today the Prime Minister inaugurated the new bridge across the Mekong River in Kampong Cham.",
		"We demand the immediate release of the activists detained after last week's peaceful gathering.",
		"The court adjourned the hearing until next month after the defence asked for more time.",
		"Read the full statement of the spokesperson on the ministry's official website.",
		"Thousands of garment workers gathered outside the factory to ask for the minimum wage to be paid.",
		"The government says the new cybersecurity law will protect citizens; critics say it will silence them.",
		"Thank you to everyone who joined the tree-planting day in Siem Reap this morning.",
		"An independent radio station lost its broadcasting licence on Friday, its director said.",
		"The provincial governor met representatives of the fishing communities of the Tonle Sap lake.",
	}
	khmer = []string{
		"រាជរដ្ឋាភិបាលកម្ពុជាបានប្រកាសពីវិធានការថ្មីសម្រាប់ការអភិវឌ្ឍសេដ្ឋកិច្ចជាតិ។",
		"សម្តេចបានអញ្ជើញជាអធិបតីក្នុងពិធីសម្ពោធស្ពានថ្មីនៅខេត្តកំពង់ចាម។",
		"អ្នកសារព័ត៌មានត្រូវមានសេរីភាពក្នុងការរាយការណ៍ដោយគ្មានការភ័យខ្លាច។",
		"គណបក្សប្រឆាំងបានអំពាវនាវឱ្យមានការបោះឆ្នោតដោយសេរី និងយុត្តិធម៌។",
		"ប្រជាពលរដ្ឋជាច្រើនបានចូលរួមក្នុងកិច្ចប្រជុំនៅរាជធានីភ្នំពេញកាលពីម្សិលមិញ។",
		"ក្រសួងព័ត៌មានបានស្នើឱ្យលុបចោលការបង្ហោះនេះចេញពីបណ្តាញសង្គម។",
		"សូមអរគុណចំពោះការគាំទ្ររបស់បងប្អូនទាំងអស់។",
		"កសិករនៅខេត្តបាត់ដំបងកំពុងរងផលប៉ះពាល់ពីទឹកជំនន់។",
	}
)

// postText returns the title and HTML of post j of account i: about 300
// characters of text in two paragraphs with a link and some emphasis;
// every third post is in Khmer.
func postText(i, j int) (title, html string) {
	r := rand.New(rand.NewPCG(uint64(i), uint64(j)))
	pool, sep := english, " "
	if (i+j)%3 == 0 {
		pool = khmer
	}
	var text []string
	for n, perm := 0, r.Perm(len(pool)); n < 300 && len(text) < len(perm); {
		s := pool[perm[len(text)]]
		text = append(text, s)
		n += utf8.RuneCountInString(s) + 1
	}
	half := (len(text) + 1) / 2
	title = clip.Text(strings.TrimRight(text[0], ".។"), 61)
	var b strings.Builder
	b.WriteString("<p>")
	b.WriteString(strings.Join(text[:half], sep))
	b.WriteString("</p>\n<p><strong>")
	b.WriteString(text[half])
	b.WriteString("</strong>")
	if rest := text[half+1:]; len(rest) > 0 {
		b.WriteString(sep + strings.Join(rest, sep))
	}
	fmt.Fprintf(&b, ` <a href="https://example.org/news/%d/%d">#%d</a></p>`, i+1, j+1, j+1)
	return title, b.String()
}

// serve is -serve-only: it serves the population, writes the feed URLs to
// -out/urls.txt, prints that path on stdout and blocks until ctx ends.
func serve(ctx context.Context, p population, outDir string, stdout io.Writer) error {
	sb, urls, err := startPlatform(p)
	if err != nil {
		return err
	}
	defer sb.Close()
	path := filepath.Join(outDir, URLsFile)
	if err := writeLines(path, urls); err != nil {
		return err
	}
	fmt.Fprintln(stdout, path)
	<-ctx.Done()
	return nil
}

func writeLines(path string, lines []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for l := range strings.Lines(string(data)) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out, nil
}
