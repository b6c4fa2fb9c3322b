"""The `llm` extractor: any OpenAI-compatible chat-completions server reads the text, and
every relation it returns is checked against that text before it counts."""
