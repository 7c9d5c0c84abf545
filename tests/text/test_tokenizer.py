from speechdraft.text import tokenizer


def test_user_dictionary_keeps_domain_terms_whole():
    words = tokenizer.cut("审议一府一委两院工作报告，在践行全过程人民民主中依托代表联络站开展视察调研")
    for term in ("一府一委两院", "全过程人民民主", "代表联络站", "视察调研"):
        assert term in words


def test_user_dictionary_has_sixty_or_more_terms():
    lines = [line for line in tokenizer.USER_DICT.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) >= 60
    assert len({line.split()[0] for line in lines}) == len(lines)


def test_cut_for_search_also_gives_sub_words():
    words = tokenizer.cut_for_search("中华人民共和国一切权力属于人民")
    assert "中华人民共和国" in words
    assert "人民" in words


def test_content_words_drop_stop_words_and_punctuation():
    words = tokenizer.content_words("我们要认真学习领会，切实把讲话精神贯彻落实到代表履职的各方面。")
    assert {"领会", "讲话", "精神", "代表履职"} <= set(words)
    assert not {"我们", "要", "认真", "的", "，", "。"} & set(words)


def test_rare_words_weigh_more_than_common_ones():
    assert tokenizer.word_weight("履职") > tokenizer.word_weight("工作") > tokenizer.word_weight("的")


def test_tokenizer_is_initialised_once_per_process():
    assert tokenizer.tokenizer() is tokenizer.tokenizer()


def test_initialisation_writes_the_cache_into_the_given_directory(tmp_path):
    tk = tokenizer._initialise(tmp_path)
    assert (tmp_path / tokenizer._CACHE_FILE).is_file()
    assert "全过程人民民主" in tk.lcut("践行全过程人民民主")
