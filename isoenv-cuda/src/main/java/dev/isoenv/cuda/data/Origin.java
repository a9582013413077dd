package dev.isoenv.cuda.data;

/**
 * Where a row of variant data came from, for error messages.
 *
 * @param source the file or resource
 * @param line the line number, from 1
 */
record Origin(String source, int line) {
    @Override
    public String toString() {
        return source + ", line " + line;
    }
}
