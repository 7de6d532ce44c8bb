"""Survey use cases, one module per topic; each public function is one transaction."""
