package main

// sqlbSteps is the tour's chapter on the SQL expression layer.
func (t *tour) sqlbSteps() []func() error { return nil }
