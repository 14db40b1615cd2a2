package index

import "os"

// asideSuffix names where MoveIntoPlace sets the old index aside.
const asideSuffix = ".old"

// MoveIntoPlace renames the index in fresh (built beside dir and closed)
// to dir, setting dir's old index aside until restore: restore(true) puts
// the old one back, restore(false) removes it. Readers opening dir
// meanwhile (OpenReadOnly) wait for the new one.
func MoveIntoPlace(fresh, dir string) (restore func(back bool), err error) {
	old := dir + asideSuffix
	if err := os.RemoveAll(old); err != nil {
		return nil, err
	}
	hadOld := false
	if _, err := os.Stat(dir); err == nil {
		if err := os.Rename(dir, old); err != nil {
			return nil, err
		}
		hadOld = true
	}
	if err := os.Rename(fresh, dir); err != nil {
		if hadOld {
			os.Rename(old, dir)
		}
		return nil, err
	}
	return func(back bool) {
		if back && hadOld {
			os.RemoveAll(dir)
			os.Rename(old, dir)
			return
		}
		os.RemoveAll(old)
	}, nil
}

// swapping says whether an index is being moved into dir's place.
func swapping(dir string) bool {
	_, err := os.Stat(dir + asideSuffix)
	return err == nil
}
