"""The test kit: the Twilio-compatible server, the process stack, the crisis corpus and the
seeding shared by the test suite and the benchmarks; never imported by the product."""
