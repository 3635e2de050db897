// The process entries for the fuzzer executables; see FuzzEntry.c.
int FuzzDecoder_main(int argc, char **argv);
int FuzzInflate_main(int argc, char **argv);
int FuzzSnappy_main(int argc, char **argv);
int FuzzJAAS_main(int argc, char **argv);
int FuzzZooCfg_main(int argc, char **argv);
