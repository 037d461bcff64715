package io.sluice.source;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.sluice.api.BlockingCalls;
import io.sluice.api.SluiceException;

/** Connector CRUD; validates each type's configuration before storing it. */
@ApplicationScoped
public class ConnectorService {
    private static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}";

    @Inject
    ObjectMapper mapper;
    @Inject
    InstantSource clock;
    @Inject
    BlockingCalls blocking;
    @Inject
    Event<ConnectorChanged> changed;

    @WithSession
    public Uni<List<ConnectorView>> list() {
        return Connector.<Connector>listAll(io.quarkus.panache.common.Sort.by("name"))
                .map(all -> all.stream().map(this::view).toList());
    }

    @WithSession
    public Uni<ConnectorView> get(String name) {
        return require(name).map(this::view);
    }

    @WithTransaction
    public Uni<ConnectorView> create(ConnectorRequest request) {
        String name = validName(request.name());
        return validConfig(request).chain(config -> Connector.findByName(name).chain(existing -> {
            if (existing != null) {
                throw SluiceException.conflict("DuplicateName", "A connector named '" + name + "' exists",
                        Map.of("name", name));
            }
            Connector c = new Connector();
            c.id = UUID.randomUUID();
            c.name = name;
            c.type = request.type().toString();
            c.config = config;
            c.createdAt = clock.instant();
            c.updatedAt = c.createdAt;
            return c.<Connector>persist().map(this::view);
        }));
    }

    @WithTransaction
    public Uni<ConnectorView> update(String name, ConnectorRequest request) {
        if (request.name() != null && !request.name().equals(name)) {
            throw SluiceException.invalidField("name", "A connector cannot be renamed");
        }
        return validConfig(request).chain(config -> require(name).map(c -> {
            c.type = request.type().toString();
            c.config = config;
            c.updatedAt = clock.instant();
            changed.fire(new ConnectorChanged(c.id));
            return view(c);
        }));
    }

    @WithTransaction
    public Uni<Void> delete(String name) {
        return require(name).chain(c -> io.sluice.pipeline.Pipeline.count("connectorName", name).chain(users -> {
            if (users > 0) {
                throw SluiceException.conflict("ConnectorInUse",
                        "Connector '" + name + "' is used by " + users + " pipeline(s)", Map.of("pipelines", users));
            }
            changed.fire(new ConnectorChanged(c.id));
            return c.delete();
        }));
    }

    /** The connector, or 404. */
    public Uni<Connector> require(String name) {
        return Connector.findByName(name).map(c -> {
            if (c == null) {
                throw SluiceException.notFound("UnknownConnector", "Unknown connector '" + name + "'",
                        Map.of("name", name));
            }
            return c;
        });
    }


    @jakarta.inject.Inject
    S3Config s3Config;

    public Map<String, Object> config(Connector c) {
        try {
            return mapper.readValue(c.config, new TypeReference<Map<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored connector config is corrupt", e);
        }
    }

    private Uni<String> validConfig(ConnectorRequest request) {
        if (request.type() == null) {
            throw SluiceException.invalidField("type", "type is required (allowed: " + ConnectorType.allowed() + ")");
        }
        Map<String, Object> config = request.config() == null ? Map.of() : request.config();
        return switch (request.type()) {
            case LOCAL -> validLocalConfig(config);
            case S3 -> Uni.createFrom().item(write(allowedCredentials(S3Settings.parse(config)).toConfig()));
        };
    }

    private S3Settings allowedCredentials(S3Settings settings) {
        if (settings.namedCredentials()) {
            allowedVariable(settings.accessKeyIdEnv(), S3Settings.ACCESS_KEY_ID_ENV);
            allowedVariable(settings.secretAccessKeyEnv(), S3Settings.SECRET_ACCESS_KEY_ENV);
        }
        return settings;
    }

    private void allowedVariable(String variable, String field) {
        if (!s3Config.allowsCredentialVariable(variable)) {
            throw SluiceException.invalidField("config." + field, "config." + field + " must name an environment variable "
                    + "starting with " + String.join(", ", s3Config.credentialVariablePrefixes())
                    + " (sluice.s3.credential-variable-prefixes), not " + variable);
        }
    }

    private Uni<String> validLocalConfig(Map<String, Object> config) {
        for (String key : config.keySet()) {
            if (!key.equals("root")) {
                throw SluiceException.invalidField("config." + key, "Unknown local connector setting '" + key + "'");
            }
        }
        return blocking.run(() -> LocalRoot.of(config.get("root") instanceof String s ? s : null))
                .map(root -> write(Map.of("root", root.root().toString())));
    }

    private static String validName(String name) {
        if (name == null || !name.matches(NAME_PATTERN)) {
            throw SluiceException.invalidField("name",
                    "name is required: 1-100 letters, digits, spaces, '_', '.', '-', starting with a letter or digit");
        }
        return name;
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ConnectorView view(Connector c) {
        return new ConnectorView(c.id, c.name, ConnectorType.fromWire(c.type), config(c), c.createdAt, c.updatedAt);
    }
}
