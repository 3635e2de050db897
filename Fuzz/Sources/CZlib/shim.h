// The system zlib, the oracle FuzzInflate compares our DEFLATE decoder with.
#include <zlib.h>
