"""LLM access for llmcc: ``client`` (make_client, LLMClient, errors), ``prompts`` (render),
``cache`` (response cache), ``replay`` (recorded exchanges), ``textproto`` (text tool
protocol) and ``scripted_server`` (a scripted OpenAI-compatible server for tests)."""
