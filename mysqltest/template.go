package mysqltest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// EnvCacheDir is the environment variable that overrides where StartServer
// caches initialized data directories; see TemplateCacheDir.
const EnvCacheDir = "MYSQLTEST_CACHE_DIR"

// templateMu serializes template creation within this process, so parallel
// tests initialize a template once instead of once each.
var templateMu sync.Mutex

// errNoCache marks a template cache that cannot be used at all (no cache
// directory), as opposed to an initialization that failed.
var errNoCache = errors.New("template cache unavailable")

// TemplateCacheDir returns the directory in which StartServer keeps freshly
// initialized data directories to copy instead of initializing a new one each
// time: $MYSQLTEST_CACHE_DIR if set, else myx-mysqltest in the user's cache
// directory (os.UserCacheDir). There is one entry per server binary, version
// and ServerOptions.InitFlags, about 30 MB each for MariaDB; entries unused
// for a week are removed, and at most 8 are kept. Removing the directory is
// always safe; it is recreated when needed.
func TemplateCacheDir() (string, error) {
	if d := os.Getenv(EnvCacheDir); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("mysqltest: %w: %v", errNoCache, err)
	}
	return filepath.Join(d, "myx-mysqltest"), nil
}

// prepareDataDir fills s.dataDir with an initialized data directory, copying
// the cached template when possible.
func (s *Server) prepareDataDir(ctx context.Context) error {
	if s.template != "" {
		if err := copyTree(s.template, s.dataDir); err != nil {
			return fmt.Errorf("mysqltest: copying template data directory: %w", err)
		}
		return nil
	}
	if !s.opts.NoCache {
		tpl, err := templateFor(ctx, s.bins, s.opts.InitFlags)
		if err == nil {
			if err := copyTree(tpl, s.dataDir); err != nil {
				return fmt.Errorf("mysqltest: copying template data directory: %w", err)
			}
			return nil
		}
		if !errors.Is(err, errNoCache) {
			return err
		}
	}
	return initDataDir(ctx, s.bins, s.opts.InitFlags, s.dataDir, s.dir)
}

// templateFor returns the data directory of the cached template for bins and
// flags, creating it if needed.
func templateFor(ctx context.Context, bins *ServerBinaries, flags []string) (string, error) {
	return cachedTemplate(&templateMu, templateKey(bins, flags), func(work string) (string, error) {
		if err := initDataDir(ctx, bins, flags, filepath.Join(work, "data"), work); err != nil {
			return "", err
		}
		os.RemoveAll(filepath.Join(work, "tmp"))
		return fmt.Sprintf("server: %s\nversion: %s\ninstall-db: %s\nflags: %q\n",
			bins.Server, bins.Version, bins.InstallDB, flags), nil
	})
}

// cachedTemplate returns the data directory of the template cache entry
// key, having build create it if it is missing: build fills the "data"
// directory in the scratch directory it is given and returns a description
// for the entry's marker file. mu serializes builds within this process.
// Several processes may race to create an entry; each builds in a private
// directory and renames it into place, and the losers discard theirs.
func cachedTemplate(mu *sync.Mutex, key string, build func(work string) (desc string, err error)) (string, error) {
	root, err := TemplateCacheDir()
	if err != nil {
		return "", err
	}
	final := filepath.Join(root, key)
	data := filepath.Join(final, "data")
	marker := filepath.Join(final, "complete")
	if fileExists(marker) {
		touch(marker)
		return data, nil
	}
	mu.Lock()
	defer mu.Unlock()
	if fileExists(marker) {
		touch(marker)
		return data, nil
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return "", fmt.Errorf("mysqltest: %w: %v", errNoCache, err)
	}
	removeStaleWork(root)
	pruneTemplates(root, maxTemplates-1)
	work, err := os.MkdirTemp(root, "tmp-")
	if err != nil {
		return "", fmt.Errorf("mysqltest: %w: %v", errNoCache, err)
	}
	desc, err := build(work)
	if err != nil {
		os.RemoveAll(work)
		return "", err
	}
	desc += "created: " + time.Now().Format(time.RFC3339) + "\n"
	if err := os.WriteFile(filepath.Join(work, "complete"), []byte(desc), 0o600); err != nil {
		os.RemoveAll(work)
		return "", fmt.Errorf("mysqltest: %w: %v", errNoCache, err)
	}
	if err := os.Rename(work, final); err != nil {
		os.RemoveAll(work)
		if fileExists(marker) {
			return data, nil // another process won the race
		}
		return "", fmt.Errorf("mysqltest: %w: %v", errNoCache, err)
	}
	return data, nil
}

// templateKey identifies a template: anything that changes what
// initialization produces changes the key.
func templateKey(bins *ServerBinaries, flags []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "mysqltest-template-v2\x00%s\x00%s\x00%s\x00%d\x00%s\x00%s",
		bins.Server, bins.InstallDB, bins.Version, os.Geteuid(),
		strings.Join(tuningFlags(bins), "\x00"), strings.Join(flags, "\x00"))
	for _, p := range []string{bins.Server, bins.InstallDB} {
		if fi, err := os.Stat(p); err == nil {
			fmt.Fprintf(h, "\x00%d\x00%d", fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// touch marks a template as used now.
func touch(marker string) {
	now := time.Now()
	os.Chtimes(marker, now, now)
}

const (
	// maxTemplates is how many templates the cache keeps.
	maxTemplates = 8
	// templateMaxIdle is how long an unused template is kept.
	templateMaxIdle = 7 * 24 * time.Hour
	// templateMinIdle protects templates used within this time from
	// pruning, since another process may be copying them.
	templateMinIdle = time.Hour
)

// pruneTemplates removes templates unused for templateMaxIdle, then the
// least recently used ones beyond keep, sparing any used within
// templateMinIdle.
func pruneTemplates(root string, keep int) {
	type entry struct {
		dir  string
		used time.Time
	}
	var entries []entry
	dirs, _ := os.ReadDir(root)
	for _, d := range dirs {
		if !d.IsDir() || strings.HasPrefix(d.Name(), "tmp-") {
			continue
		}
		dir := filepath.Join(root, d.Name())
		fi, err := os.Stat(filepath.Join(dir, "complete"))
		if err != nil {
			continue // not a finished template; leave it alone
		}
		entries = append(entries, entry{dir, fi.ModTime()})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].used.After(entries[j].used) })
	for i, e := range entries {
		idle := time.Since(e.used)
		if idle > templateMaxIdle || (i >= keep && idle > templateMinIdle) {
			os.RemoveAll(e.dir)
		}
	}
}

// removeStaleWork removes half-built templates left by processes that died
// while initializing (older than an hour, far longer than initialization).
func removeStaleWork(root string) {
	matches, _ := filepath.Glob(filepath.Join(root, "tmp-*"))
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && time.Since(fi.ModTime()) > time.Hour {
			os.RemoveAll(m)
		}
	}
}

// copyTree copies the directory src to dst (which must not exist), keeping
// permissions. MySQL's auto.cnf, which holds the server's UUID, is left out
// so every copy gets its own, and so are the files named in skip (paths
// relative to src).
func copyTree(src, dst string, skip ...string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.Mkdir(target, info.Mode().Perm())
		case info.Mode().IsRegular():
			if rel == "auto.cnf" || slices.Contains(skip, rel) {
				return nil
			}
			return copyFile(path, target, info.Mode().Perm())
		default:
			return nil // sockets, pipes and links have no place in a template
		}
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
