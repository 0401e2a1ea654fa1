# arxivflow_fuzz_target(<name> <libraries...>): builds fuzz/<name>_fuzz.cc.
