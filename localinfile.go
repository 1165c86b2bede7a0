package myx

// Statements: LOAD DATA LOCAL INFILE, answering the server's request for a file with only the
// data the caller passed to that statement.

import (
	"fmt"
	"io"
)

// LocalFile supplies the data for one LOAD DATA LOCAL INFILE statement. Pass it among the
// arguments of Exec or Query; it binds to no placeholder. When the server asks for the file
// named Name, the contents of Reader are streamed to it. A request for any other name is
// refused: nothing is sent, and the call fails with ErrLocalInfileDenied. myx never reads a
// file from disk on its own.
//
//	f, _ := os.Open("users.csv")
//	_, err := conn.Exec(ctx, "LOAD DATA LOCAL INFILE 'users.csv' INTO TABLE users",
//		&myx.LocalFile{Name: "users.csv", Reader: f})
type LocalFile struct {
	Name   string
	Reader io.Reader
}

// splitLocalFiles separates LocalFile arguments from the placeholder arguments.
func splitLocalFiles(args []any) ([]*LocalFile, []any) {
	var files []*LocalFile
	for i, a := range args {
		if f, ok := a.(*LocalFile); ok {
			if files == nil {
				// Copy the rest so the caller's slice is untouched.
				rest := make([]any, 0, len(args)-1)
				rest = append(rest, args[:i]...)
				files = append(files, f)
				for _, b := range args[i+1:] {
					if f2, ok := b.(*LocalFile); ok {
						files = append(files, f2)
					} else {
						rest = append(rest, b)
					}
				}
				return files, rest
			}
		}
	}
	return nil, args
}

// localChunk is the payload size of each data packet sent for LOAD DATA LOCAL.
const localChunk = 64 << 10

// sendLocalFile answers the server's request for name. The packets continue the sequence of
// the request. It returns ErrLocalInfileDenied (wrapped) for an unknown name, after sending the
// empty packet that ends the transfer; a failure of the caller's reader closes the connection,
// so the statement is rolled back by the server rather than committed with partial data.
func (c *Conn) sendLocalFile(name string, files []*LocalFile) error {
	var file *LocalFile
	for _, f := range files {
		if f.Name == name {
			file = f
			break
		}
	}
	c.wr.Seq = c.rd.Seq
	if file == nil || file.Reader == nil {
		c.wr.Start()
		c.wr.Finish()
		if err := c.flush(); err != nil {
			return sentBefore(err)
		}
		c.rd.Seq = c.wr.Seq
		return fmt.Errorf("%w (requested %q)", ErrLocalInfileDenied, name)
	}
	for {
		c.wr.Start()
		start := len(c.wr.B)
		c.wr.B = append(c.wr.B, make([]byte, localChunk)...)
		n, err := io.ReadFull(file.Reader, c.wr.B[start:])
		c.wr.B = c.wr.B[:start+n]
		if n > 0 {
			c.wr.Finish()
			if ferr := c.flush(); ferr != nil {
				return sentBefore(ferr)
			}
		} else {
			c.wr.B = c.wr.B[:start-4]
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			// Ending the transfer normally would make the server load the partial data;
			// dropping the connection makes it abort the statement instead.
			return c.fail("local infile", fmt.Errorf("reading %q: %w", name, err), false)
		}
	}
	c.wr.Start()
	c.wr.Finish()
	if err := c.flush(); err != nil {
		return sentBefore(err)
	}
	c.rd.Seq = c.wr.Seq
	return nil
}
