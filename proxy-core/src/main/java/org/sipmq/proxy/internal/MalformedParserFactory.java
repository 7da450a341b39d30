package org.sipmq.proxy.internal;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ViaList;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.text.ParseException;
import org.sipmq.proxy.internal.MalformedInput.Reason;
import org.sipmq.proxy.internal.MalformedInput.Transport;

/**
 * The stack's message parsers (property {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}): the stock parser, with
 * every parse failure counted in the stack's {@link MalformedInput} (found by stack name, {@link MalformedInput#register})
 * with its reason (by the header that failed) and its source (the channel the stack parses for). The stack's channels
 * still decide what happens to the message: a bad mandatory header drops it (and over TCP closes the connection), any
 * other bad header is kept unparsed and the message goes on. One failure is counted per message, the first.
 *
 * <p>
 * When this factory is in use the stack's own "Malformed mandatory headers" line is not counted again
 * ({@link MalformedInput#parserCounts()}).
 */
public final class MalformedParserFactory implements MessageParserFactory {
    /** Stateless, as the stock factory's shared one. */
    private static final StringMsgParser STOCK = new StringMsgParser();

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        String stackName = stack instanceof gov.nist.javax.sip.SipStackImpl s ? s.getStackName() : "";
        MalformedInput input = MalformedInput.forStack(stackName);
        if (input != null) {
            input.parsedByCountingParser();
        }
        return new CountingParser(stackName);
    }

    /**
     * Why a header that failed to parse makes the message malformed; null for other headers (counted nowhere: the
     * stack keeps them unparsed). jain-sip-ri 1.3 reports a line that is no header, and a request line it cannot parse
     * ({@code SIP/3.0}), without a class: {@link Reason#UNPARSABLE}; its channels then keep them unparsed too, and the
     * message goes on (as SIP/2.0), so the proxy must refuse a request with unparsed lines itself.
     */
    static Reason reason(Class<?> headerClass) {
        if (headerClass == null) {
            return Reason.UNPARSABLE;
        }
        if (headerClass == CSeq.class) {
            return Reason.BAD_CSEQ;
        }
        if (headerClass == Via.class || headerClass == ViaList.class) {
            return Reason.BAD_VIA;
        }
        if (headerClass == ContentLength.class) {
            return Reason.CONTENT_LENGTH;
        }
        if (headerClass == RequestLine.class || headerClass == StatusLine.class) {
            return Reason.BAD_START_LINE;
        }
        if (headerClass == MaxForwards.class) {
            return Reason.BAD_MAX_FORWARDS;
        }
        if (headerClass == From.class || headerClass == To.class || headerClass == CallID.class) {
            return Reason.BAD_HEADER;
        }
        return null;
    }

    /** The stock parser, counting. */
    static final class CountingParser implements MessageParser {
        private final String stackName;

        CountingParser(String stackName) {
            this.stackName = stackName;
        }

        @Override
        public SIPMessage parseSIPMessage(byte[] bytes, boolean readBody, boolean strict,
                ParseExceptionListener listener) throws ParseException {
            if (Validation.viaComment(bytes)) {
                // never parsed: the stack's Via parser can loop on one until the heap is gone
                count(Reason.BAD_VIA, listener, "Via with a comment");
                throw new ParseException("Via with a comment (RFC 2543), refused unparsed", 0);
            }
            Counting counting = new Counting(listener);
            try {
                SIPMessage m = STOCK.parseSIPMessage(bytes, readBody, strict, counting);
                MalformedInput input = MalformedInput.forStack(stackName);
                Validation.Problem raw = m == null || counting.counted
                        ? null
                        : Validation.raw(bytes, m, input == null
                                ? org.sipmq.proxy.ProxyConfig.builder().build().maxHeaderLine()
                                : input.maxHeaderLine());
                if (raw != null) {
                    count(raw.reason(), listener, raw.phrase());
                    Validation.mark(m, raw);
                }
                return m;
            } catch (ParseException | RuntimeException e) {
                if (!counting.counted) {
                    count(Reason.UNPARSABLE, listener, e.getMessage());
                }
                throw e;
            }
        }

        private void count(Reason reason, ParseExceptionListener source, String detail) {
            MalformedInput input = MalformedInput.forStack(stackName);
            if (input == null) {
                return;
            }
            if (source instanceof MessageChannel c) {
                // The UDP channel sets the peer's address before it parses, its port only after: -1 then.
                int port = c.getPeerPacketSourcePort() > 0 ? c.getPeerPacketSourcePort() : c.getPeerPort();
                input.record(reason, Transport.of(c.getTransport()), c.getPeerAddress(), port > 0 ? port : -1, detail);
            } else {
                input.record(reason, Transport.OTHER, null, -1, detail);
            }
        }

        /** Counts the first failure of one message, then lets the stack's listener decide as it would have. */
        private final class Counting implements ParseExceptionListener {
            private final ParseExceptionListener stack;
            boolean counted;

            Counting(ParseExceptionListener stack) {
                this.stack = stack;
            }

            @Override
            @SuppressWarnings("rawtypes") // the stack's interface
            public void handleException(ParseException e, SIPMessage message, Class headerClass, String header,
                    String text) throws ParseException {
                Reason reason = reason(headerClass);
                if (!counted && reason != null) {
                    counted = true;
                    count(reason, stack, (header == null ? "" : header + ": ") + e.getMessage());
                    Validation.mark(message, Validation.badHeader(reason, header));
                }
                if (stack == null) {
                    throw e; // the stock parser's behaviour without a listener
                }
                try {
                    stack.handleException(e, message, headerClass, header, text);
                } catch (NullPointerException closed) {
                    // TCPMessageChannel.handleException closes its socket, which a peer that hung up took already
                    // (mySock null): the message is refused all the same, the connection's thread must not die of it
                    throw e;
                }
            }
        }
    }

    /** A listener that marks the first failure of each message and keeps parsing (the header stays unparsed). */
    static ParseExceptionListener marking() {
        return (e, message, headerClass, header, text) -> {
            Reason r = reason(headerClass);
            if (r != null) {
                Validation.mark(message, Validation.badHeader(r, header));
            }
        };
    }
}
