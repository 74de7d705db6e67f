"""Model engines behind one contract (``base``): ``fake`` (scripted, for tests), ``llama`` (llama.cpp,
bundled SmolLM2), ``openai`` (any OpenAI-compatible endpoint), and the wrappers that add the response cache
and the run log (``wrap``).

May import: ``errors``, ``settings``, ``store``. Never ``pipeline``, ``cli``, ``batch``.
"""
