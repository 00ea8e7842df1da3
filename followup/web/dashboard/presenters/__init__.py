"""What the dashboard's pages show, as plain data and words: the flag queue, a flag's detail,
the patient list and a patient's record."""
