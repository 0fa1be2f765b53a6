from qa.chat import condense, needs_context


def test_question_without_history_is_unchanged():
    assert condense("Where did Shoigu meet Kim?", None) == "Where did Shoigu meet Kim?"


def test_standalone_question_ignores_history():
    history = [{"role": "user", "content": "How many troops were deployed last year?"},
               {"role": "assistant", "content": "About 12,000 [1]"}]
    q = "When did Shoigu arrive in Pyongyang for the June talks?"
    assert condense(q, history) == q


def test_follow_up_gets_previous_question_as_context():
    history = [{"role": "user", "content": "How many North Korean troops were deployed last year?"},
               {"role": "assistant", "content": "approximately 12,000 [1]"}]
    out = condense("and how many more were sent this year?", history)
    assert out.startswith("how many more were sent this year?")
    assert out.endswith("(North Korean troops deployed last year)")


def test_person_pronoun_is_replaced_by_last_named_person():
    history = [{"role": "user", "content": "What did Kim Jong Un discuss with the Russian envoy?"},
               {"role": "assistant", "content": "Ukraine [1]"}]
    out = condense("Where did he meet Shoigu?", history)
    assert out.startswith("Where did Kim Jong Un meet Shoigu?")


def test_needs_context_flags_short_and_pronoun_questions():
    assert needs_context("and this year?")
    assert needs_context("What did they discuss?")
    assert not needs_context("What did Shoigu and Kim Jong Un discuss in Pyongyang?")


def test_he_after_a_who_question_means_the_person_the_answer_names():
    history = [{"role": "user", "content": "Who is the Russian official who met Indonesia's Defence Minister in Jakarta?"},
               {"role": "assistant", "content": "Security Council Secretary Sergei Shoigu, who met Sjafrie Sjamsoeddin."}]
    out = condense("What post did he hold until May 2024?", history)
    assert out.startswith("What post did Sergei Shoigu hold until May 2024?")


def test_a_question_opening_with_or_goes_on_from_the_turn_before():
    # "or" opens a follow-up as "and" and "but" do (the chat's copy of the list lacked it)
    assert needs_context("Or were Russian soldiers wounded in Kursk?")
