# The commands a newcomer needs. Each works on a fresh Debian 12 machine with the .NET 10 SDK.
SHELL := /bin/bash
.DEFAULT_GOAL := help
RESULTS := artifacts/test-results

.PHONY: help deps build test run bench bench-short format

help:
	@echo "make run    - the whole gateway on this machine (embedded Kafka, redis-server, services, dashboard)"
	@echo "make test   - restore, build and run every test"
	@echo "make bench  - the benchmark suite; writes bench/results/"
	@echo "make format - check formatting and code style"

deps:
	@scripts/ensure-deps.sh

build: deps
	dotnet build Gateway.sln -c Debug

test: deps
	@rm -rf $(RESULTS)
	dotnet build Gateway.sln -c Debug
	@set +e; dotnet test Gateway.sln -c Debug --no-build --logger trx --results-directory $(RESULTS); status=$$?; \
	  scripts/test-summary.sh $(RESULTS); exit $$status

run: deps
	@scripts/run.sh

bench: deps
	dotnet run -c Release --project bench/Gateway.Benchmarks --

bench-short: deps
	dotnet run -c Release --project bench/Gateway.Benchmarks -- --short

format:
	dotnet format Gateway.sln --verify-no-changes --verbosity minimal
