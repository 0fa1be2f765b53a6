# The two commands of the README:
#   make chat   set up ./.venv and open the web chat on the bundled corpus (http://127.0.0.1:7860)
#   make test   set up ./.venv with the test and LLM extras and run every test
.PHONY: chat ask test eval bench

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

chat:
	scripts/setup.sh
	.venv/bin/python app.py

ask:
	scripts/setup.sh
	.venv/bin/qa ask "How many North Korean troops were deployed to Russia last year?"

test:
	scripts/setup.sh llm,test
	scripts/install_browser.sh
	.venv/bin/python -m pytest -q

eval:
	scripts/setup.sh llm,test
	.venv/bin/python -m eval --mode extractive
