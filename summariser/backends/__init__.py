"""Model engines behind one contract (``base``, with the capabilities each class declares: ``mode``,
``trusted``, ``concurrent``): ``fake`` (scripted, for tests), ``llama`` (llama.cpp, bundled SmolLM2),
``openai`` (any OpenAI-compatible endpoint). ``registry`` maps engine names to lazily imported classes
and holds ``open_backend``, the one place a backend is built and wrapped (``wrap``: one ``Wrapper`` base;
the response cache and the run log).

May import: ``errors``, ``settings``, ``store``. Never ``pipeline``, ``generate``, ``cli``, ``batch``.
"""
