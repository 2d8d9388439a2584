"""Views of quizzes, taken through QuizPage routes."""
