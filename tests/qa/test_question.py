from qa.question import analyze, kind_of


def test_kinds_follow_the_question_word():
    assert kind_of("How many North Korean troops were deployed?") == "count"
    assert kind_of("What was the death toll among the soldiers?") == "count"
    assert kind_of("When did Shoigu arrive in Pyongyang?") == "date"
    assert kind_of("On what date did the ICC issue its warrant?") == "date"
    assert kind_of("Who sent Shoigu to Pyongyang?") == "person"
    assert kind_of("Which news agency reported the visit?") == "person"
    assert kind_of("Where did the counteroffensive take place?") == "place"
    assert kind_of("Why did Shoigu travel to North Korea?") == "statement"


def test_follow_up_takes_kind_from_context_only_when_it_asks_nothing_itself():
    spec = analyze("and this year?", "and this year? (context: How many troops were deployed last year?)")
    assert spec.kind == "count"
    spec = analyze("When did they arrive?", "When did they arrive? (context: How many troops were deployed?)")
    assert spec.kind == "date"


def test_terms_drop_question_words_and_stopwords():
    spec = analyze("How many troops were deployed to Russia?")
    assert spec.terms == ("troop", "deploy", "russia")


def test_when_and_where_as_conjunctions_do_not_make_date_or_place_questions():
    assert kind_of("What did the envoy and the minister discuss when they met in Oslo?") == "statement"
    assert kind_of("What did he say in the city where the talks were held?") == "statement"
    assert kind_of("And when did he leave?") == "date"
    assert kind_of("So where did they meet?") == "place"
