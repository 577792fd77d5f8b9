"""The use cases of social assistance: applications (`applications.py`) and the rules they are scored and decided
by (`rules.py`)."""
