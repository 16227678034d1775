package dev.jtcp.drill;

/**
 * One lexical token of a packetdrill script, with where it starts (1-based line and column).
 *
 * @param kind  what sort of token
 * @param text  the characters as written (for STRING, BACKQUOTE, CODE and OPTION: the contents, without
 *              delimiters; for a WORD replaced by a {@code -D} macro: the macro's value)
 * @param num   the value of an INT or HEX token
 * @param real  the value of a FLOAT token
 * @param line  line of the first character
 * @param col   column of the first character
 */
record Token(Kind kind, String text, long num, double real, int line, int col) {

    enum Kind {
        INT, HEX, FLOAT, WORD, STRING, BACKQUOTE, CODE, OPTION, ELLIPSIS, IPV4, IPV6, PUNCT, EOF
    }

    boolean is(char c) {
        return kind == Kind.PUNCT && text.length() == 1 && text.charAt(0) == c;
    }

    boolean isWord(String w) {
        return kind == Kind.WORD && text.equals(w);
    }

    /** How the token reads in an error message. */
    String describe() {
        return switch (kind) {
            case EOF -> "end of file";
            case STRING -> "string \"" + text + "\"";
            case BACKQUOTE -> "command `" + abbreviate(text) + "`";
            case CODE -> "code snippet %{ " + abbreviate(text) + " }%";
            case OPTION -> "option --" + text;
            case ELLIPSIS -> "'...'";
            default -> "'" + text + "'";
        };
    }

    private static String abbreviate(String s) {
        String one = s.strip().replace('\n', ' ');
        return one.length() > 30 ? one.substring(0, 30) + "..." : one;
    }
}
