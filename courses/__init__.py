"""What there is to learn: the catalogue, courses, lessons and their content blocks."""
