package io.sluice.external;

import java.net.InetSocketAddress;

import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An Iceberg REST catalog server for tests, on 127.0.0.1 (a free port): Iceberg's own test servlet
 * ({@code iceberg-core} 1.11.0 tests jar; none ships for 1.12.0) over a backing catalog, served by the
 * Jetty 12 that s3proxy brings. A real HTTP server speaking the REST catalog protocol to Sluice's
 * 1.12.0 client.
 */
final class RestCatalogServer implements AutoCloseable {
    private final Server server;

    RestCatalogServer(Catalog backing) throws Exception {
        this(new RESTCatalogAdapter(backing));
    }

    /** Over an adapter of the test's own (e.g. one that adds to its responses). */
    RestCatalogServer(RESTCatalogAdapter adapter) throws Exception {
        server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new RESTCatalogServlet(adapter)), "/*");
        server.setHandler(context);
        server.start();
    }

    String uri() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
