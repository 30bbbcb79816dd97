"""LLM access for llmcc: ``client`` (make_client, LLMClient, errors, endpoint fit),
``breaker`` (the endpoint's circuit breaker, shared through the cache dir), ``cache``
(response cache, bad-reply marks), ``replay`` (recorded exchanges), ``textproto`` (text tool
protocol) and ``scripted_server`` (a scripted OpenAI-compatible server for tests)."""
