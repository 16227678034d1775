package dev.jtcp.tcp;

import java.util.ArrayList;
import java.util.List;

/**
 * Every socket object of a host that is still alive, in creation order (what ss walks): an intrusive
 * doubly-linked list through the sockets themselves, so adding and removing cost no allocation.
 */
final class SockList {
    private TcpSock head;
    private TcpSock tail;
    private int size;

    /** Appends sk unless it is already in the list. */
    void add(TcpSock sk) {
        if (sk.live) {
            return;
        }
        sk.live = true;
        sk.prevLive = tail;
        sk.nextLive = null;
        if (tail == null) {
            head = sk;
        } else {
            tail.nextLive = sk;
        }
        tail = sk;
        size++;
    }

    void remove(TcpSock sk) {
        if (!sk.live) {
            return;
        }
        sk.live = false;
        if (sk.prevLive == null) {
            head = sk.nextLive;
        } else {
            sk.prevLive.nextLive = sk.nextLive;
        }
        if (sk.nextLive == null) {
            tail = sk.prevLive;
        } else {
            sk.nextLive.prevLive = sk.prevLive;
        }
        sk.prevLive = null;
        sk.nextLive = null;
        size--;
    }

    List<TcpSock> toList() {
        List<TcpSock> out = new ArrayList<>(size);
        for (TcpSock s = head; s != null; s = s.nextLive) {
            out.add(s);
        }
        return out;
    }
}
