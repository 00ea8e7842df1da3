"""What the cast in ``tests/conftest.py`` shares with the tests that sign in as them."""

PASSWORD = "correct horse battery staple"
