package main

// poolSteps is the tour's chapter on the pool and resilience.
func (t *tour) poolSteps() []func() error { return nil }
