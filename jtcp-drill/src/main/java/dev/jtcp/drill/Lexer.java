package dev.jtcp.drill;

import java.util.Map;
import java.util.Set;

/**
 * Splits a packetdrill script into tokens the way packetdrill's flex lexer (lexer.l) does: longest match,
 * ties going to the earlier rule (ellipsis, {@code --option}, float, integer, hex, word, string, backquoted
 * command, one character; then comments, code snippets, IPv4 and IPv6 addresses). A word that is not one of
 * packetdrill's reserved words and names a {@code -D} macro is replaced by the macro's value, which lexes as
 * a string ({@code "..."}), a command (backquotes), an integer or a word.
 */
final class Lexer {
    /** packetdrill's reserved words (lexer.l): never replaced by macros. */
    static final Set<String> RESERVED = Set.of(
            "sa_family", "sin_port", "sin_addr", "msg_name", "msg_iov", "msg_flags", "msg_control", "cmsg_data",
            "cmsg_level", "cmsg_type", "ee_errno", "ee_origin", "ee_type", "ee_code", "ee_info", "ee_data",
            "scm_sec", "scm_nsec", "fd", "u32", "u64", "ptr", "events", "revents", "onoff", "linger", "htons",
            "ipv4", "ipv6", "icmp", "udp", "GREv0", "gre", "raw", "sum", "off", "key", "seq", "none", "checksum",
            "present", "encap", "psp", "spi", "mpls", "label", "tc", "ttl", "inet_addr", "inet6_addr", "ack",
            "eol", "ecr", "mss", "mtu", "nop", "sack", "sackOK", "md5", "TS", "FO", "FOEXP", "ECN", "e0b",
            "e1b", "ceb", "tos", "flowlabel", "flags", "Flags", "val", "win", "urg", "wscale", "ect01", "ect0",
            "ect1", "noecn", "ce", "id");

    private final String src;
    private final String file;
    private final Map<String, String> defines;
    private int pos;
    private int line = 1;
    private int col = 1;

    Lexer(String src, String file, Map<String, String> defines) {
        this.src = src;
        this.file = file;
        this.defines = defines;
    }

    private ScriptError error(int l, int c, String msg) {
        return new ScriptError(file, l, c, msg);
    }

    private char at(int i) {
        return i < src.length() ? src.charAt(i) : '\0';
    }

    private void advance(int n) {
        for (int i = 0; i < n; i++) {
            if (src.charAt(pos) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
            pos++;
        }
    }

    /** The next token (EOF at the end, forever). */
    Token next() {
        skipSpaceAndComments();
        int l = line;
        int c = col;
        if (pos >= src.length()) {
            return new Token(Token.Kind.EOF, "", 0, 0, l, c);
        }
        char ch = src.charAt(pos);
        // Code snippet %{ ... }%
        if (ch == '%' && at(pos + 1) == '{') {
            int end = src.indexOf("}%", pos + 2);
            if (end < 0) {
                throw error(l, c, "code snippet %{ is never closed with }%");
            }
            String code = src.substring(pos + 2, end);
            advance(end + 2 - pos);
            return new Token(Token.Kind.CODE, stripBlanks(code), 0, 0, l, c);
        }
        if (ch == '`') {
            int i = pos + 1;
            while (i < src.length() && src.charAt(i) != '`') {
                i += src.charAt(i) == '\\' ? 2 : 1;
            }
            if (i >= src.length()) {
                throw error(l, c, "command ` is never closed with `");
            }
            String text = src.substring(pos + 1, i);
            advance(i + 1 - pos);
            return new Token(Token.Kind.BACKQUOTE, text, 0, 0, l, c);
        }
        if (ch == '"') {
            int i = pos + 1;
            while (i < src.length() && src.charAt(i) != '"') {
                i += src.charAt(i) == '\\' ? 2 : 1;
            }
            if (i >= src.length()) {
                throw error(l, c, "string \" is never closed with \"");
            }
            String text = src.substring(pos + 1, i);
            advance(i + 1 - pos);
            return new Token(Token.Kind.STRING, text, 0, 0, l, c);
        }
        if (ch == '.' && at(pos + 1) == '.' && at(pos + 2) == '.') {
            advance(3);
            return new Token(Token.Kind.ELLIPSIS, "...", 0, 0, l, c);
        }
        if (ch == '-' && at(pos + 1) == '-' && isWordChar(at(pos + 2))) {
            int i = pos + 2;
            while (isWordChar(at(i))) {
                i++;
            }
            String name = src.substring(pos + 2, i);
            advance(i - pos);
            return new Token(Token.Kind.OPTION, name, 0, 0, l, c);
        }
        // Candidates for the longest match among float, integer, hex, word, IPv4, IPv6.
        int fl = matchFloat(pos);
        int in = matchInt(pos);
        int hx = matchHex(pos);
        int wd = matchWord(pos);
        int v4 = matchIpv4(pos);
        int v6 = matchIpv6(pos);
        int best = Math.max(Math.max(Math.max(fl, in), Math.max(hx, wd)), Math.max(v4, v6));
        if (best > 0) {
            String text = src.substring(pos, pos + best);
            advance(best);
            if (best == fl) {
                return new Token(Token.Kind.FLOAT, text, 0, Double.parseDouble(text), l, c);
            }
            if (best == in) {
                try {
                    return new Token(Token.Kind.INT, text, Long.parseLong(text), 0, l, c);
                } catch (NumberFormatException e) {
                    throw error(l, c, "integer " + text + " is out of range");
                }
            }
            if (best == hx) {
                try {
                    return new Token(Token.Kind.HEX, text, Long.parseUnsignedLong(text.substring(2), 16), 0, l, c);
                } catch (NumberFormatException e) {
                    throw error(l, c, "hex integer " + text + " is out of range");
                }
            }
            if (best == wd) {
                return word(text, l, c);
            }
            if (best == v4) {
                return new Token(Token.Kind.IPV4, text, 0, 0, l, c);
            }
            return new Token(Token.Kind.IPV6, text, 0, 0, l, c);
        }
        advance(1);
        return new Token(Token.Kind.PUNCT, String.valueOf(ch), 0, 0, l, c);
    }

    /** A word, or the value of the -D macro it names (lexer.l word()). */
    private Token word(String text, int l, int c) {
        String value = RESERVED.contains(text) ? null : defines.get(text);
        if (value == null) {
            return new Token(Token.Kind.WORD, text, 0, 0, l, c);
        }
        if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
            return new Token(Token.Kind.STRING, value.substring(1, value.length() - 1), 0, 0, l, c);
        }
        if (value.startsWith("`") && value.endsWith("`") && value.length() >= 2) {
            return new Token(Token.Kind.BACKQUOTE, value.substring(1, value.length() - 1), 0, 0, l, c);
        }
        Long n = parseCInteger(value);
        if (n != null) {
            return new Token(Token.Kind.INT, value, n, 0, l, c);
        }
        return new Token(Token.Kind.WORD, value, 0, 0, l, c);
    }

    /** strtol(value, &end, 0) consuming the whole string: decimal, 0x hex or 0 octal; null if not an integer. */
    static Long parseCInteger(String v) {
        String s = v.strip();
        if (s.isEmpty() || !s.equals(v)) {
            return null;
        }
        boolean neg = false;
        int i = 0;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            neg = s.charAt(0) == '-';
            i = 1;
        }
        String body = s.substring(i);
        try {
            long n;
            if (body.startsWith("0x") || body.startsWith("0X")) {
                n = Long.parseLong(body.substring(2), 16);
            } else if (body.length() > 1 && body.startsWith("0")) {
                n = Long.parseLong(body.substring(1), 8);
            } else {
                n = Long.parseLong(body);
            }
            return neg ? -n : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void skipSpaceAndComments() {
        while (pos < src.length()) {
            char ch = src.charAt(pos);
            if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
                advance(1);
            } else if (ch == '/' && at(pos + 1) == '/') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    advance(1);
                }
            } else if (ch == '/' && at(pos + 1) == '*') {
                int end = src.indexOf("*/", pos + 2);
                if (end < 0) {
                    throw error(line, col, "comment /* is never closed with */");
                }
                advance(end + 2 - pos);
            } else {
                return;
            }
        }
    }

    /** Removes spaces and tabs at both ends (lexer.l code()). */
    private static String stripBlanks(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
            b--;
        }
        return s.substring(a, b);
    }

    static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** [-]?[0-9]*[.][0-9]+ */
    private int matchFloat(int p) {
        int i = p;
        if (at(i) == '-') {
            i++;
        }
        while (isDigit(at(i))) {
            i++;
        }
        if (at(i) != '.' || !isDigit(at(i + 1))) {
            return 0;
        }
        i++;
        while (isDigit(at(i))) {
            i++;
        }
        return i - p;
    }

    /** [-]?[0-9]+ */
    private int matchInt(int p) {
        int i = p;
        if (at(i) == '-') {
            i++;
        }
        int d = i;
        while (isDigit(at(i))) {
            i++;
        }
        return i > d ? i - p : 0;
    }

    /** 0x[0-9a-fA-F]+ */
    private int matchHex(int p) {
        if (at(p) != '0' || at(p + 1) != 'x' || !isHexDigit(at(p + 2))) {
            return 0;
        }
        int i = p + 2;
        while (isHexDigit(at(i))) {
            i++;
        }
        return i - p;
    }

    /** [a-zA-Z0-9_]+ */
    private int matchWord(int p) {
        int i = p;
        while (isWordChar(at(i))) {
            i++;
        }
        return i - p;
    }

    /** [0-9]+.[0-9]+.[0-9]+.[0-9]+ */
    private int matchIpv4(int p) {
        int i = p;
        for (int part = 0; part < 4; part++) {
            int d = i;
            while (isDigit(at(i))) {
                i++;
            }
            if (i == d) {
                return 0;
            }
            if (part < 3) {
                if (at(i) != '.') {
                    return 0;
                }
                i++;
            }
        }
        return i - p;
    }

    /**
     * An IPv6 address: a run of hex digits and colons (and a trailing dotted IPv4 part) that contains "::" or
     * seven colons. Sequence ranges such as 1:1001 never qualify.
     */
    private int matchIpv6(int p) {
        int i = p;
        while (isHexDigit(at(i)) || at(i) == ':' || (at(i) == '.' && isDigit(at(i + 1)) && i > p)) {
            i++;
        }
        String s = src.substring(p, i);
        if (!s.contains(":")) {
            return 0;
        }
        long colons = s.chars().filter(ch -> ch == ':').count();
        if (!s.contains("::") && colons != 7) {
            return 0;
        }
        return i - p;
    }

    int line() {
        return line;
    }
}
