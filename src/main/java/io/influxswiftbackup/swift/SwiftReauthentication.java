package io.influxswiftbackup.swift;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Before the one retry of a call that Swift answered with 401: log in again, send the new token. */
public class SwiftReauthentication implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(SwiftReauthentication.class);
    private final SwiftAuth auth;

    public SwiftReauthentication(SwiftAuth auth) {
        this.auth = auth;
    }

    @Override
    public void process(Exchange exchange) {
        LOG.warn("Swift answered 401 (token expired or revoked); logging in again and retrying once");
        auth.invalidate(exchange.getMessage().getHeader("X-Auth-Token", String.class));
        exchange.getMessage().setHeader("X-Auth-Token", auth.token());
    }
}
