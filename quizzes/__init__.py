"""What a learner answers and is scored on: quiz pages, attempts and server-side grading."""
