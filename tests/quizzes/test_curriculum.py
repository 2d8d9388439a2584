"""The curriculum check of quizzes (quizzes.curriculum), on data written here."""


def test_the_curriculum_check_counts_how_often_the_keyed_option_is_the_longest_and_where():
    from types import SimpleNamespace

    from quizzes.curriculum import keyed_answers

    def single(*texts, right):
        return {"single_choice": {"choices": [{"text": t, "correct": i == right} for i, t in enumerate(texts)]}}

    scenario = {
        "scenario": {"options": [{"text": "Chặn và báo cáo người đó", "score": 2}, {"text": "Trả lời", "score": 0}]}
    }
    questions = [
        single("Ngắn", "Một lựa chọn dài hơn hẳn", right=1),  # keyed, longest, 2nd
        single("Lựa chọn đúng", "Sai", "Cũng sai", right=0),  # keyed, longest, 1st
        single("Đúng", "Một lựa chọn sai rất dài", right=0),  # keyed, not longest, 1st
        scenario,  # keyed, longest, 1st
        {"true_false": {"statement": "…", "answer": True}},  # not a choice item
    ]
    module = SimpleNamespace(data={"vi": {"quiz": {"questions": questions}}})
    assert keyed_answers(module) == {"items": 4, "longest": 3, "places": {1: 3, 2: 1}}
