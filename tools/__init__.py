"""Developer tools: never imported by the product."""
