# Shortcuts for those who have make; dev.py does the work and needs only Python.
.PHONY: demo test console
demo:
	python3 dev.py demo
test:
	python3 dev.py test
console:
	python3 dev.py console
