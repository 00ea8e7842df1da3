"""Clinical logic as pure functions over plain data: the instruments and their scoring, the
flag rules, crisis language, scheduling, quiet hours and phone numbers. No models, no I/O."""
