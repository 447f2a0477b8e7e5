"""Knowledge base: fuzzy text matching shared by KB suggestions and duplicate-case detection."""
