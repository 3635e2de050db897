// The process entry for the fuzzer executable; see FuzzEntry.c.
int FuzzDecoder_main(int argc, char **argv);
