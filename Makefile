# The README's two commands are `make provision` and `make test`; the other targets run one part of the tests.
SHELL := /bin/bash
ARGS ?=
SCENARIO ?=
RELEASE ?=
CORE ?=

.PHONY: provision test pytest sanity units smoke lint molecule lab bench-lab image ee build docs clean

provision:  ## venv, collections, this collection, then playbooks/site.yml on localhost (ARGS="--check" etc.)
	scripts/provision.sh $(ARGS)

test:  ## everything CI runs, stage by stage, ending with "N passed, N failed"
	scripts/test.sh

pytest:
	scripts/test.sh pytest

sanity:  ## ansible-test sanity under ansible-core 2.17, 2.18 and 2.19 (LLO_CORE_VERSIONS="2.19" for fewer; noxfile.py)
	scripts/test.sh sanity

units:  ## ansible-test units under every ansible-core (nox sessions units-<version>)
	scripts/test.sh units

smoke:  ## tests/smoke.txt (ollama_model create/re-run, site.yml --check) under ansible-core 2.17, 2.18 and 2.19
	scripts/test.sh smoke

lint:
	scripts/test.sh lint

molecule:  ## all scenarios, or one with SCENARIO=<name>; RELEASE=bookworm|trixie one Debian release, CORE=2.18|2.19 one ansible-core
	LLO_SCENARIOS="$(SCENARIO)" LLO_RELEASES="$(RELEASE)" LLO_MOLECULE_CORE="$(CORE)" scripts/test.sh molecule

lab:  ## molecule scenario lab alone: 3 lab machines over real SSH (root)
	LLO_SCENARIOS=lab scripts/test.sh molecule

bench-lab:  ## benchmark: lab converge and no-op re-run on 1, 3 and 6 machines: wall, controller CPU, tasks, slowest tasks (root; docs/performance.md)
	tests/lab/bench_converge.sh

image:  ## the molecule images, one per Debian release (debootstrap; a no-op when built)
	bash -c 'source scripts/lib.sh; source scripts/docker-engine.sh; ensure_docker_engine; for r in "$${MOLECULE_RELEASES[@]}"; do scripts/build-image.sh "$$r" || exit 1; done'

ee:  ## the execution environment of ee/execution-environment.yml, built offline (docs/awx.md)
	scripts/ee.sh

docs:  ## generated docs: the sampling chart, the VRAM tables, the role pages, the verify sample (a verify run against the emulator)
	bash -c 'source scripts/lib.sh; ensure_venv; ensure_collections; .venv/bin/python docs/tools/sampling_chart.py && .venv/bin/python docs/tools/vram_table.py --write && .venv/bin/python docs/tools/role_docs.py --write && .venv/bin/python docs/tools/verify_sample.py --write'

build: docs  ## the collection tarball under .work/dist, with the generated chart
	bash -c 'source scripts/lib.sh; ensure_venv; mkdir -p .work/dist; .venv/bin/ansible-galaxy collection build . --output-path .work/dist --force'

clean:
	rm -rf .work tests/output
