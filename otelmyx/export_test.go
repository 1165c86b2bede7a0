package otelmyx

// QueuedSpans is how many ended spans p holds for export.
func QueuedSpans(p *BatchSpanProcessor) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.queue)
}
