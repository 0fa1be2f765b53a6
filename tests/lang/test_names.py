"""The one name reader (``lang.names``)."""

from lang.names import name_runs, name_words


def test_name_words_pass_over_function_words_dates_and_openers():
    text = "However, Shoigu's visit to Pyongyang on Monday, June 4 was his second. Officials said Kim Jong Un met him."
    assert name_words(text) == ["Shoigu", "Pyongyang", "Kim", "Jong", "Un"]
    assert name_words(text, dates=True) == ["Shoigu", "Pyongyang", "Monday", "June", "Kim", "Jong", "Un"]


def test_a_questions_first_word_is_capitalised_for_being_first():
    assert name_words("Approximately how many troops did Russia send?", sentence_starts=False) == ["Russia"]
    assert name_words("Name the minister who met Lavrov. Shoigu left.", sentence_starts=False) == ["Lavrov"]
    assert name_words("Shoigu arrived in Pyongyang.") == ["Shoigu", "Pyongyang"]


def test_name_runs_drop_the_titles_before_a_name():
    text = "Security Council Secretary Sergei Shoigu met North Korean leader Kim Jong Un and Ri Chang-dae."
    assert name_runs(text) == ["Sergei Shoigu", "Kim Jong Un", "Ri Chang-dae"]
    assert name_runs("When did the President arrive?") == []  # a title alone is no name
