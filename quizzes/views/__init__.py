"""Views of quizzes (taken through QuizPage routes) and of H5P activities (files, results)."""
