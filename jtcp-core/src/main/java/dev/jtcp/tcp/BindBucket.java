package dev.jtcp.tcp;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The owners of one local port (Linux's inet_bind_bucket): every socket holding the port, TIME_WAIT
 * records included, on an intrusive doubly-linked list through the sockets, so taking and releasing a
 * port cost no allocation and no search (a listener's port is held by every child it accepted).
 */
final class BindBucket implements Iterable<Sock> {
    final int port;
    /** Created by bind() (tb->fastreuse >= 0): connect() never shares such a port. */
    boolean byBind;
    private Sock head;
    private Sock tail;
    private int count;

    BindBucket(int port) {
        this.port = port;
    }

    boolean isEmpty() {
        return count == 0;
    }

    void add(Sock s) {
        if (s.bindBucket == this) {
            return;
        }
        s.bindBucket = this;
        s.prevBind = tail;
        s.nextBind = null;
        if (tail == null) {
            head = s;
        } else {
            tail.nextBind = s;
        }
        tail = s;
        count++;
    }

    /** Removes s; false when it was not here. */
    boolean remove(Sock s) {
        if (s.bindBucket != this) {
            return false;
        }
        if (s.prevBind == null) {
            head = s.nextBind;
        } else {
            s.prevBind.nextBind = s.nextBind;
        }
        if (s.nextBind == null) {
            tail = s.prevBind;
        } else {
            s.nextBind.prevBind = s.prevBind;
        }
        s.prevBind = null;
        s.nextBind = null;
        s.bindBucket = null;
        count--;
        return true;
    }

    /** Puts successor where s was (a TIME_WAIT record taking over its socket's port). */
    void replace(Sock s, Sock successor) {
        if (s.bindBucket != this) {
            add(successor);
            return;
        }
        successor.bindBucket = this;
        successor.prevBind = s.prevBind;
        successor.nextBind = s.nextBind;
        if (s.prevBind == null) {
            head = successor;
        } else {
            s.prevBind.nextBind = successor;
        }
        if (s.nextBind == null) {
            tail = successor;
        } else {
            s.nextBind.prevBind = successor;
        }
        s.prevBind = null;
        s.nextBind = null;
        s.bindBucket = null;
    }

    @Override
    public Iterator<Sock> iterator() {
        return new Iterator<>() {
            private Sock next = head;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Sock next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Sock s = next;
                next = s.nextBind;
                return s;
            }
        };
    }
}
