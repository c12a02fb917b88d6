"""Writing logged runs in other ecosystems' formats."""
