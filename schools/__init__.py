"""Where learning happens: schools, classes, memberships, consent and assignments."""
