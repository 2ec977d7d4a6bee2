import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kestra.core.models.HasSource;
import io.kestra.core.models.Label;
import io.kestra.core.models.QueryFilter;
import io.kestra.core.models.dashboards.Dashboard;
import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.flows.Flow;
import io.kestra.core.models.flows.FlowInterface;
import io.kestra.core.models.flows.FlowSource;
import io.kestra.core.models.flows.FlowWithSource;
import io.kestra.core.models.flows.GenericFlow;
import io.kestra.core.models.topologies.FlowTopology;
import io.kestra.core.models.validations.ManualConstraintViolation;
import io.kestra.core.models.validations.ModelValidator;
import io.kestra.core.models.validations.ValidateConstraintViolation;
import io.kestra.core.repositories.ArrayListTotal;
import io.kestra.core.repositories.ExecutionRepositoryInterface;
import io.kestra.core.repositories.FlowRepositoryInterface;
import io.kestra.core.repositories.FlowTopologyRepositoryInterface;
import io.kestra.core.runners.FlowInputOutput;
import io.kestra.core.secret.SecretService;
import io.kestra.core.serializers.JacksonMapper;
import io.kestra.core.serializers.YamlParser;
import io.kestra.core.server.Service;
import io.kestra.core.services.FlowService;
import io.kestra.core.services.KVStoreService;
import io.kestra.core.storages.Namespace;
import io.kestra.core.storages.NamespaceFactory;
import io.kestra.core.storages.NamespaceFile;
import io.kestra.core.storages.StorageInterface;
import io.kestra.core.storages.kv.KVEntry;
import io.kestra.core.storages.kv.KVMetadata;
import io.kestra.core.storages.kv.KVStore;
import io.kestra.core.storages.kv.KVValue;
import io.kestra.core.storages.kv.KVValueAndMetadata;
import io.kestra.core.topologies.FlowTopologyService;
import io.kestra.core.utils.VersionProvider;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.data.model.Pageable;
import io.micronaut.data.model.Sort;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Kestra's engine of one released version (io.kestra modules from Maven Central) behind the REST routes the action
 * sends, on loopback (docs/kestra.md, "Kestra's engine"). Kestra's webserver is not published, so the HTTP layer is
 * ours: each route calls the beans the webserver's controller calls, and what only the controller does (status
 * codes, error bodies, multipart, zip export, query parameters, paging) is written from that controller's source,
 * named in a comment. A route the action sends that no bean here can back answers 501 naming itself.
 *
 * The engine starts as Kestra's `server local` does: H2 repository and queue, local storage, executor, worker,
 * scheduler and indexer in one JVM (on 2.0 the worker reaches its controller over gRPC on loopback).
 *
 * Run: java -cp <the pom's classpath> -Dengine.dir=DIR -Dengine.username=U -Dengine.password=P KestraEngine.java
 * Prints "listening <port>" once every service runs and the API answers.
 */
public class KestraEngine {
  private static final String TENANT = "main";
  /**
   * Kestra's JSON mapper as the webserver's application.yml configures it
   * (`jackson.serialization.writeDurationsAsTimestamps: false`): a Duration is ISO text, not seconds.
   */
  private static final ObjectMapper JSON = JacksonMapper.ofJson().copy().disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

  private final ApplicationContext context;
  private final boolean v2;
  private final String version;
  private final String expectedAuthorization;
  private final FlowRepositoryInterface flows;
  private final FlowService flowService;
  private final ExecutionRepositoryInterface executions;
  private final StorageInterface storage;
  private final NamespaceFactory namespaces;
  private final KVStoreService kv;

  public static void main(String[] args) {
    try {
      new KestraEngine().serve();
    } catch (Throwable error) {
      error.printStackTrace();
      // Kestra's context keeps non-daemon threads: only an exit ends the process.
      System.exit(1);
    }
  }

  private KestraEngine() throws Exception {
    Path dir = Path.of(System.getProperty("engine.dir")).toAbsolutePath();
    Files.createDirectories(dir.resolve("storage"));
    Files.createDirectories(dir.resolve("tmp"));
    Files.createDirectories(dir.resolve("plugins"));
    String credentials = System.getProperty("engine.username") + ":" + System.getProperty("engine.password");
    expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    v2 = classExists("io.kestra.core.worker.Controller");

    context = ApplicationContext.builder().deduceEnvironment(false).properties(configuration(dir)).start();
    version = context.getBean(VersionProvider.class).getVersion();
    flows = context.getBean(FlowRepositoryInterface.class);
    flowService = context.getBean(FlowService.class);
    executions = context.getBean(ExecutionRepositoryInterface.class);
    storage = context.getBean(StorageInterface.class);
    namespaces = context.getBean(NamespaceFactory.class);
    kv = context.getBean(KVStoreService.class);
    startServices();
  }

  /**
   * What the CLI's `server local` sets (its application.yml and the command's overrides), plus the placeholders the
   * classes read without a default: the jars carry no application.yml.
   */
  private Map<String, Object> configuration(Path dir) throws IOException {
    Map<String, Object> p = new HashMap<>();
    p.put("kestra.server-type", "STANDALONE");
    p.put("kestra.repository.type", "h2");
    p.put("kestra.queue.type", "h2");
    p.put("kestra.storage.type", "local");
    p.put("kestra.storage.local.base-path", dir.resolve("storage").toString());
    p.put("datasources.h2.url", "jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE");
    p.put("datasources.h2.username", "sa");
    p.put("datasources.h2.password", "");
    p.put("datasources.h2.driver-class-name", "org.h2.Driver");
    p.put("flyway.datasources.h2.enabled", true);
    p.put("flyway.datasources.h2.locations", List.of("classpath:migrations/h2"));
    p.put("flyway.datasources.h2.ignore-migration-patterns", "*:missing,*:future");
    p.put("flyway.datasources.h2.out-of-order", true);
    p.put("kestra.server.service.purge.initial-delay", "1h");
    p.put("kestra.server.service.purge.fixed-delay", "1d");
    p.put("kestra.server.service.purge.retention", "30d");
    p.put("kestra.jdbc.cleaner.initial-delay", "1h");
    p.put("kestra.jdbc.cleaner.fixed-delay", "1h");
    p.put("kestra.jdbc.cleaner.retention", "7d");
    p.put("kestra.tasks.tmp-dir.path", dir.resolve("tmp").toString());
    p.put("kestra.url", "http://localhost:8080/");
    p.put("kestra.plugins.local-repository-path", dir.resolve("plugins").toString());
    p.put("kestra.plugins.management.localRepositoryPath", dir.resolve("plugins").toString());
    p.put("kestra.plugins.auto-install.enabled", false);
    p.put("kestra.anonymous-usage-report.enabled", false);
    p.put("kestra.ee.license.fingerprint", "");
    if (v2) {
      // 2.0's worker speaks gRPC to a worker controller even in one JVM. The static endpoint list is read only when
      // the discovery type is set: engine 2.0.0's StaticConfig bean requires kestra.worker.controllers.type=STATIC.
      int controllerPort = freePort();
      p.put("kestra.worker.controllers.type", "STATIC");
      p.put("kestra.controller.port", controllerPort);
      p.put("kestra.worker.controllers.static.endpoints[0].host", "127.0.0.1");
      p.put("kestra.worker.controllers.static.endpoints[0].port", controllerPort);
    }
    return p;
  }

  /**
   * 1.x: as the CLI's standalone runner (the executor bean, a DefaultWorker created with an id and a thread count,
   * the scheduler, the indexer); 2.0: as Kestra's TestRunner (executor, controller, worker, scheduler, indexer, the
   * system worker when there is one).
   */
  private void startServices() throws Exception {
    ExecutorService pool = Executors.newCachedThreadPool();
    List<Object> services = new ArrayList<>();
    if (v2) {
      Object executor = context.getBean(Class.forName("io.kestra.core.runners.Executor"));
      pool.execute((Runnable) executor);
      services.add(executor);
      Object controller = context.getBean(Class.forName("io.kestra.core.worker.Controller"));
      pool.execute(() -> invoke(controller, "start"));
      services.add(controller);
      Object worker = context.getBean(Class.forName("io.kestra.core.runners.Worker"));
      pool.execute(() -> invoke(worker, "start", 4));
      services.add(worker);
      try {
        Object systemWorker = context.getBean(Class.forName("io.kestra.worker.systemworker.SystemWorker"));
        pool.execute(() -> invoke(systemWorker, "start"));
      } catch (RuntimeException | ClassNotFoundException none) {
        // not in this release's context
      }
    } else {
      Object executor = context.getBean(Class.forName("io.kestra.core.runners.ExecutorInterface"));
      pool.execute((Runnable) executor);
      services.add(executor);
      Object worker = context.createBean(Class.forName("io.kestra.worker.DefaultWorker"), UUID.randomUUID().toString(), 4, null);
      context.registerSingleton(worker);
      pool.execute((Runnable) worker);
      services.add(worker);
    }
    Object scheduler = context.getBean(Class.forName("io.kestra.core.runners.Scheduler"));
    pool.execute((Runnable) scheduler);
    services.add(scheduler);
    Object indexer = context.getBean(Class.forName("io.kestra.core.runners.Indexer"));
    pool.execute((Runnable) indexer);
    services.add(indexer);
    long deadline = System.currentTimeMillis() + 120_000;
    for (Object service : services) {
      while (!running(service)) {
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException(service.getClass().getSimpleName() + " did not start");
        Thread.sleep(100);
      }
    }
  }

  private static boolean running(Object service) {
    Service.ServiceState state = ((Service) service).getState();
    return state == null || state.isRunning();
  }

  private void serve() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", this::handle);
    server.start();
    System.out.println("listening " + server.getAddress().getPort());
    System.out.flush();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Routing, authentication and errors

  /** One request, as the webserver's filters and controllers would answer it. */
  private record Request(String method, List<String> segments, Map<String, List<String>> query, String contentType, byte[] body, String path) {
    String param(String name) {
      List<String> values = query.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    static Reply json(Object value) throws IOException {
      return new Reply(200, "application/json", JSON.writeValueAsBytes(value), Map.of());
    }

    static Reply status(int status) {
      return new Reply(status, null, new byte[0], Map.of());
    }
  }

  /** An error the controller or ErrorController would answer: status, the reason before the colon, the detail. */
  private static final class HttpError extends RuntimeException {
    final int status;
    final String reason;
    final String slug;

    HttpError(int status, String reason, String detail, String slug) {
      super(detail);
      this.status = status;
      this.reason = reason;
      this.slug = slug;
    }
  }

  private static HttpError notFound(String detail) {
    return new HttpError(404, "Not Found", detail, "not-found");
  }

  private static HttpError notImplemented(String route) {
    return new HttpError(501, "Not Implemented", "the Kestra engine of the tests does not serve " + route, "not-implemented");
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      Reply reply;
      String rawPath = exchange.getRequestURI().getRawPath();
      try {
        Request request = new Request(
            exchange.getRequestMethod(),
            Arrays.stream(rawPath.split("/")).skip(1).map(s -> URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8)).toList(),
            query(exchange.getRequestURI().getRawQuery()),
            Optional.ofNullable(exchange.getRequestHeaders().getFirst("content-type")).orElse(""),
            exchange.getRequestBody().readAllBytes(),
            rawPath);
        // AuthenticationFilter: every API route asks for basic auth; a failure is a 401 with WWW-Authenticate.
        if (rawPath.startsWith("/api/v1/") && !expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("authorization"))) {
          reply = v2 ? problem(new HttpError(401, "Unauthorized", null, "unauthenticated"), rawPath) : Reply.status(401);
          exchange.getResponseHeaders().set("WWW-Authenticate", "Basic");
        } else {
          reply = route(request);
        }
      } catch (Throwable error) {
        reply = errorReply(error, rawPath);
      }
      reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      if (reply.contentType() != null) exchange.getResponseHeaders().set("content-type", reply.contentType());
      if (reply.body().length == 0) {
        exchange.sendResponseHeaders(reply.status(), -1);
      } else {
        exchange.sendResponseHeaders(reply.status(), reply.body().length);
        exchange.getResponseBody().write(reply.body());
      }
    } catch (IOException lost) {
      // the client went away
    }
  }

  /**
   * ErrorController (1.x: Micronaut's JsonError `{message, _links, _embedded.errors}`, the message `<reason>: <detail>`;
   * 2.0: an RFC 9457 problem): a constraint violation is a 422 "Invalid entity", an IllegalArgumentException a 422
   * "Illegal argument", an IllegalStateException a 409 "Illegal state", NoSuchElementException, FileNotFoundException
   * and NotFoundException a 404, ConflictException a 409, InvalidQueryFiltersException a 400, ResourceExpiredException
   * a 410, DeserializationException a 500 "Cannot deserialize the resource", anything else (KVStoreException
   * included) a 500 "Internal server error". 2.0's AlreadyExistsException is its 409.
   */
  private Reply errorReply(Throwable thrown, String path) {
    Throwable error = unwrap(thrown);
    String type = error.getClass().getSimpleName();
    HttpError http;
    List<Map<String, String>> embedded = null;
    if (error instanceof HttpError known) {
      http = known;
    } else if (error instanceof ConstraintViolationException violations) {
      embedded = new ArrayList<>();
      for (ConstraintViolation<?> violation : violations.getConstraintViolations()) {
        embedded.add(Map.of("message", violation.getMessage(), "path", String.valueOf(violation.getPropertyPath())));
      }
      http = new HttpError(422, "Invalid entity", violations.getMessage(), "invalid-entity");
    } else if (type.equals("AlreadyExistsException")) {
      http = new HttpError(409, "Entity already exists", error.getMessage(), "entity-already-exists");
    } else if (type.equals("ResourceExpiredException")) {
      http = new HttpError(410, "Resource has expired", error.getMessage(), "resource-expired");
    } else if (type.equals("DeserializationException")) {
      http = new HttpError(500, "Cannot deserialize the resource", error.getMessage(), "internal-server-error");
    } else if (type.equals("NotFoundException")) {
      http = notFound(error.getMessage());
    } else if (type.equals("ConflictException")) {
      http = new HttpError(409, "Conflict", error.getMessage(), "conflict");
    } else if (type.equals("InvalidQueryFiltersException")) {
      http = new HttpError(400, "Invalid query filters", error.getMessage(), "invalid-query-filters");
    } else if (error instanceof IllegalArgumentException) {
      http = new HttpError(422, "Illegal argument", error.getMessage(), "invalid-argument");
    } else if (error instanceof IllegalStateException) {
      http = new HttpError(409, "Illegal state", error.getMessage(), "conflict");
    } else if (error instanceof NoSuchElementException || error instanceof FileNotFoundException) {
      http = notFound(error.getMessage());
    } else {
      if (!type.equals("KVStoreException")) error.printStackTrace();
      http = new HttpError(500, "Internal server error", error.getMessage(), "internal-server-error");
    }
    try {
      if (v2) return problemWith(http, path, embedded);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("message", http.getMessage() == null ? http.reason : http.reason + ": " + http.getMessage());
      body.put("_links", Map.of("self", Map.of("href", path, "templated", false)));
      if (embedded != null) body.put("_embedded", Map.of("errors", embedded));
      return new Reply(http.status, "application/json", JSON.writeValueAsBytes(body), Map.of());
    } catch (IOException impossible) {
      return Reply.status(500);
    }
  }

  private Reply problem(HttpError error, String path) throws IOException {
    return problemWith(error, path, null);
  }

  /** 2.0's ProblemDetail: `type`, `title`, `status`, `detail`, `instance`, `errors[]` of `{detail, pointer, path}`. */
  private Reply problemWith(HttpError error, String path, List<Map<String, String>> embedded) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "https://kestra.io/docs/api-reference/problems/" + error.slug);
    body.put("title", error.reason);
    body.put("status", error.status);
    if (error.getMessage() != null) body.put("detail", error.getMessage());
    body.put("instance", path);
    if (embedded != null) {
      List<Map<String, String>> errors = new ArrayList<>();
      for (Map<String, String> one : embedded) errors.add(Map.of("detail", one.get("message"), "path", one.get("path"), "pointer", "/" + one.get("path").replace('.', '/')));
      body.put("errors", errors);
    }
    return new Reply(error.status, "application/problem+json", JSON.writeValueAsBytes(body), Map.of());
  }

  private static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while (true) {
      if (current instanceof InvocationTargetException invocation && invocation.getCause() != null) {
        current = invocation.getCause();
      } else if (current.getClass().getSimpleName().equals("FlowProcessingException") && current.getCause() instanceof ConstraintViolationException) {
        current = current.getCause();
      } else if (current instanceof RuntimeException && current.getClass() == RuntimeException.class && current.getCause() != null) {
        current = current.getCause();
      } else {
        return current;
      }
    }
  }

  private Reply route(Request r) throws Exception {
    List<String> s = r.segments();
    if (s.size() < 2 || !s.get(0).equals("api") || !s.get(1).equals("v1")) throw notFound(null);
    if (s.size() == 3 && s.get(2).equals("configs") && r.method().equals("GET")) return configs();
    // OSS serves any tenant segment as "main": TenantService.resolveTenant() answers that constant.
    if (s.size() < 4) throw notFound(null);
    List<String> rest = s.subList(3, s.size());
    String m = r.method();
    switch (rest.get(0)) {
      case "flows":
        return flowRoute(r, m, rest.subList(1, rest.size()));
      case "executions":
        return executionRoute(r, m, rest.subList(1, rest.size()));
      case "namespaces":
        return namespaceRoute(r, m, rest.subList(1, rest.size()));
      case "kv":
        if (rest.size() == 1 && m.equals("GET")) return kvSearch(r);
        break;
      case "secrets":
        if (rest.size() == 1 && m.equals("GET")) return secrets(r);
        break;
      case "dashboards":
        return dashboardRoute(r, m, rest.subList(1, rest.size()));
      default:
        break;
    }
    throw notFound(null);
  }

  /** MiscController `GET /api/v1/configs`: version, edition, system namespace, whether basic auth is set up. */
  private Reply configs() throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", version);
    body.put("edition", "OSS");
    body.put("systemNamespace", "system");
    body.put("isBasicAuthInitialized", true);
    return Reply.json(body);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Flows: FlowController

  private Reply flowRoute(Request r, String m, List<String> s) throws Exception {
    if (s.isEmpty() && m.equals("POST")) return createFlow(r);
    if (s.size() == 1 && s.get(0).equals("validate") && m.equals("POST")) return validateFlows(r);
    if (s.size() == 1 && s.get(0).equals("search") && m.equals("GET")) return searchFlows(r);
    if (s.size() == 2 && s.get(0).equals("export") && s.get(1).equals("by-ids") && m.equals("POST")) return exportByIds(r);
    if (s.size() == 1 && m.equals("GET")) return Reply.json(flows.findByNamespace(TENANT, s.get(0)));
    if (s.size() == 1 && m.equals("POST")) throw notImplemented("POST flows/{namespace} (bulk replace; the action never sends it)");
    if (s.size() == 2) {
      String namespace = s.get(0), id = s.get(1);
      switch (m) {
        case "GET":
          return getFlow(r, namespace, id);
        case "PUT":
          return updateFlow(r, namespace, id);
        case "DELETE":
          return deleteFlow(namespace, id);
        default:
          break;
      }
    }
    if (s.size() == 3 && s.get(2).equals("dependencies") && m.equals("GET")) return flowDependencies(r, s.get(0), s.get(1));
    if (s.size() == 3 && s.get(2).equals("revisions") && m.equals("GET")) {
      return Reply.json(flows.findRevisions(TENANT, s.get(0), s.get(1), Boolean.parseBoolean(Optional.ofNullable(r.param("allowDelete")).orElse("false"))));
    }
    throw notFound(null);
  }

  /**
   * FlowController.searchFlows: `filters[field][OP]=value`, `page`/`size`/`sort`, the flow repository's `find`,
   * PagedResults.
   */
  private Reply searchFlows(Request r) throws Exception {
    ArrayListTotal<Flow> found = flows.find(pageable(r), TENANT, queryFilters(r));
    return Reply.json(Map.of("results", found, "total", found.getTotal()));
  }

  /**
   * FlowController.flowDependencies with `expandAll=false` (what the action asks): the topology repository's
   * edges of the flow (`destinationOnly` as given), drawn by FlowTopologyService.graph. The topology is written
   * asynchronously after a save (1.x: the executor's flow listener), as on a server.
   */
  private Reply flowDependencies(Request r, String namespace, String id) throws Exception {
    if (Boolean.parseBoolean(r.param("expandAll"))) throw notImplemented("GET flows/{namespace}/{id}/dependencies?expandAll=true");
    FlowTopologyRepositoryInterface topologies = context.getBean(FlowTopologyRepositoryInterface.class);
    List<FlowTopology> edges = topologies.findByFlow(TENANT, namespace, id, Boolean.parseBoolean(r.param("destinationOnly")));
    return Reply.json(context.getBean(FlowTopologyService.class).graph(edges.stream(), node -> node));
  }

  /**
   * FlowController.createFlow: `application/x-yaml` only (another route takes the rest, the deprecated JSON one),
   * 200 with the FlowWithSource. 1.x: FlowService.create(flow, true); 2.0: FlowService.create(flow).
   */
  private Reply createFlow(Request r) throws Exception {
    if (!r.contentType().startsWith("application/x-yaml")) throw notImplemented("POST flows as " + r.contentType() + " (the deprecated JSON route)");
    GenericFlow flow = GenericFlow.fromYaml(TENANT, r.text());
    Object created = v2 ? invoke(flowService, "create", flow) : invoke(flowService, "create", flow, true);
    return Reply.json(created);
  }

  /** FlowController.getFlow: the FlowWithSource (`source=true`) or Flow, optional `revision`, null (404) when absent. */
  private Reply getFlow(Request r, String namespace, String id) throws Exception {
    Optional<Integer> revision = Optional.ofNullable(r.param("revision")).map(Integer::valueOf);
    boolean allowDeleted = Boolean.parseBoolean(r.param("allowDeleted"));
    Optional<?> flow = Boolean.parseBoolean(r.param("source"))
        ? flows.findByIdWithSource(TENANT, namespace, id, revision, allowDeleted)
        : flows.findById(TENANT, namespace, id, revision, allowDeleted);
    if (flow.isEmpty()) throw notFound(null);
    return Reply.json(flow.get());
  }

  /**
   * FlowController.updateFlow: 404 (no body) when the flow is absent; the YAML parsed as a GenericFlow; 1.x through
   * the repository's update, 2.0 through FlowService.update.
   */
  private Reply updateFlow(Request r, String namespace, String id) throws Exception {
    Optional<Flow> existing = flows.findById(TENANT, namespace, id);
    if (existing.isEmpty()) return v2 ? problem(notFound(null), r.path()) : Reply.status(404);
    GenericFlow flow = GenericFlow.fromYaml(TENANT, r.text());
    Object updated;
    if (v2) {
      updated = invoke(flowService, "update", flow, existing.get());
    } else {
      Object parsed = invoke(context.getBean(Class.forName("io.kestra.core.services.PluginDefaultService")), "injectVersionDefaults", flow, false);
      flowService.checkValidSubflows((Flow) parsed, TENANT);
      updated = flows.update(flow, existing.get());
    }
    return Reply.json(updated);
  }

  /** FlowController.deleteFlow: 204, or 404 when absent (no body up to 1.3). */
  private Reply deleteFlow(String namespace, String id) throws Exception {
    Optional<FlowWithSource> flow = flows.findByIdWithSource(TENANT, namespace, id);
    if (flow.isEmpty()) {
      if (v2) throw notFound(null);
      return Reply.status(404);
    }
    if (v2) invoke(flowService, "delete", flow.get());
    else flows.delete(flow.get());
    return Reply.status(204);
  }

  /** FlowController.validateFlows: a YAML body split on `\n+---\n*?`, FlowService.validate's answer as it is. */
  private Reply validateFlows(Request r) throws Exception {
    if (r.contentType().startsWith("multipart/")) throw notImplemented("POST flows/validate as multipart");
    String content = r.text().trim();
    List<FlowSource> sources = new ArrayList<>();
    for (String source : content.split("\\n+---\\n*?")) sources.add(new FlowSource(null, source));
    return Reply.json(flowService.validate(TENANT, sources));
  }

  /**
   * FlowController.exportFlowsByIds: each `{namespace, id}` read with orElseThrow() (one missing flow: 404 for the
   * whole request), zipped by HasSource.asZipFile as `<namespace>.<id>.yaml`.
   */
  private Reply exportByIds(Request r) throws Exception {
    List<Map<String, String>> ids = JSON.readValue(r.body(), JSON.getTypeFactory().constructCollectionType(List.class, Map.class));
    List<FlowWithSource> found = new ArrayList<>();
    for (Map<String, String> id : ids) found.add(flows.findByIdWithSource(TENANT, id.get("namespace"), id.get("id")).orElseThrow());
    byte[] zip = HasSource.asZipFile(found, flow -> flow.getNamespace() + "." + flow.getId() + ".yaml");
    return new Reply(200, "application/octet-stream", zip, Map.of("Content-Disposition", "attachment; filename=\"flows.zip\""));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Namespaces, namespace files, KV, secrets

  private Reply namespaceRoute(Request r, String m, List<String> s) throws Exception {
    if (s.size() == 1 && s.get(0).equals("search") && m.equals("GET")) return namespaceSearch(r);
    if (s.size() == 1 && m.equals("GET")) return Reply.json(Map.of("id", s.get(0), "deleted", false));
    if (s.size() < 2) throw notFound(null);
    String namespace = s.get(0);
    List<String> rest = s.subList(1, s.size());
    if (rest.get(0).equals("files")) return fileRoute(r, m, namespace, rest.subList(1, rest.size()));
    if (rest.get(0).equals("kv")) return kvRoute(r, m, namespace, rest.subList(1, rest.size()));
    if (rest.size() == 1 && rest.get(0).equals("secrets") && m.equals("GET") && !v2) return secrets(r);
    if (rest.size() == 1 && rest.get(0).equals("inherited-secrets") && m.equals("GET")) {
      return Reply.json(context.getBean(SecretService.class).inheritedSecrets(TENANT, namespace));
    }
    throw notFound(null);
  }

  /**
   * NamespaceController.search on OSS: namespaces are implicit, the namespaces of existing flows and their parents
   * (FlowRepository.findDistinctNamespace) plus the system namespace, filtered by `q`, paged;
   * `{results: [{id, deleted}], total}`.
   */
  private Reply namespaceSearch(Request r) throws IOException {
    String q = Optional.ofNullable(r.param("q")).orElse("");
    Set<String> all = new TreeSet<>(List.of("system"));
    for (String namespace : flows.findDistinctNamespace(TENANT)) {
      String[] parts = namespace.split("\\.");
      for (int i = 1; i <= parts.length; i++) all.add(String.join(".", Arrays.copyOfRange(parts, 0, i)));
    }
    List<Map<String, Object>> matching = new ArrayList<>();
    for (String id : all) if (id.contains(q)) matching.add(Map.of("id", id, "deleted", false));
    return paged(r, matching);
  }

  private Reply fileRoute(Request r, String m, String namespace, List<String> s) throws Exception {
    Namespace files = namespaces.of(TENANT, namespace, storage);
    String path = r.param("path");
    if (s.isEmpty()) {
      switch (m) {
        case "GET":
          return getFile(files, path, r.param("revision"));
        case "POST":
          return uploadFile(files, namespace, path, r);
        case "DELETE":
          files.delete(Path.of(forbidFlows(path)));
          return Reply.status(200);
        default:
          throw notFound(null);
      }
    }
    if (s.size() == 1 && m.equals("GET")) {
      switch (s.get(0)) {
        case "export":
          return exportFiles(files);
        case "revisions":
          return fileRevisions(namespace, path);
        case "directory":
          return directory(files, path);
        default:
          break;
      }
    }
    throw notFound(null);
  }

  /** NamespaceFileController: `/_flows` and below are forbidden paths (422). */
  private static String forbidFlows(String path) {
    if (path == null) throw new HttpError(422, "Illegal argument", "path is required", "invalid-argument");
    String normalized = path.startsWith("/") ? path : "/" + path;
    if (normalized.equals("/_flows") || normalized.startsWith("/_flows/")) {
      throw new HttpError(422, "Illegal argument", "Forbidden path: " + path, "invalid-argument");
    }
    return normalized;
  }

  /** NamespaceFileController.getFileContent: the bytes of the file or of one `revision`, 404 when absent. */
  private Reply getFile(Namespace files, String path, String revision) throws Exception {
    Path file = Path.of(forbidFlows(path));
    if (!files.exists(file)) throw notFound("File not found: " + path);
    try (InputStream content = files.getFileContent(file, revision == null ? null : Integer.valueOf(revision))) {
      return new Reply(200, "application/octet-stream", content.readAllBytes(), Map.of());
    } catch (IOException missing) {
      throw notFound(missing.getMessage());
    }
  }

  /**
   * NamespaceFileController.createNamespaceFile: multipart part `fileContent`; a file name ending in `.zip` is
   * extracted (each entry at `/<entry>`), anything else stored at `path`, overwriting.
   */
  private Reply uploadFile(Namespace files, String namespace, String path, Request r) throws Exception {
    Part part = multipart(r).stream().filter(p -> p.name().equals("fileContent")).findFirst()
        .orElseThrow(() -> new HttpError(400, "Bad Request", "Required argument [CompletedFileUpload fileContent] not specified", "bad-request"));
    if (part.filename() != null && part.filename().endsWith(".zip")) {
      try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(part.bytes()))) {
        for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
          if (entry.isDirectory()) continue;
          files.putFile(Path.of(forbidFlows("/" + entry.getName())), new ByteArrayInputStream(zip.readAllBytes()), Namespace.Conflicts.OVERWRITE);
        }
      }
    } else {
      files.putFile(Path.of(forbidFlows(path)), new ByteArrayInputStream(part.bytes()), Namespace.Conflicts.OVERWRITE);
    }
    return Reply.status(200);
  }

  /** NamespaceFileController.exportNamespaceFiles: every file, entries without the leading `/`, a ZipOutputStream's defaults. */
  private Reply exportFiles(Namespace files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      List<NamespaceFile> all = new ArrayList<>(files.all());
      all.sort(Comparator.comparing(NamespaceFile::path));
      for (NamespaceFile file : all) {
        if (file.isDirectory()) continue;
        zip.putNextEntry(new ZipEntry(file.path().replaceFirst("^/+", "")));
        try (InputStream content = files.getFileContent(Path.of(file.path()))) {
          content.transferTo(zip);
        }
        zip.closeEntry();
      }
    }
    return new Reply(200, "application/octet-stream", bytes.toByteArray(), Map.of("Content-Disposition", "attachment; filename=\"namespace-files.zip\""));
  }

  /**
   * NamespaceFileController.getFileRevisions: `[{revision}]` of the file from the metadata repository, every
   * version; 404 when the file's latest version is a deletion or there is none.
   */
  private Reply fileRevisions(String namespace, String path) throws Exception {
    Object repository = context.getBean(Class.forName("io.kestra.core.repositories.NamespaceFileMetadataRepositoryInterface"));
    String logical = forbidFlows(path);
    List<QueryFilter> filters = List.of(filter("NAMESPACE", "EQUALS", namespace), filter("PATH", "EQUALS", logical));
    Object fetchAll = enumValue("io.kestra.core.models.FetchVersion", "ALL");
    @SuppressWarnings("unchecked")
    List<Object> versions = (List<Object>) invoke(repository, "find", Pageable.UNPAGED, TENANT, filters, true, fetchAll);
    List<Object> ofPath = versions.stream().filter(v -> logical.equals(invoke(v, "getPath"))).toList();
    Optional<Object> last = ofPath.stream().filter(v -> (boolean) invoke(v, "isLast")).findFirst();
    if (ofPath.isEmpty() || last.isEmpty() || (boolean) invoke(last.get(), "isDeleted")) throw notFound("File not found: " + path);
    List<Map<String, Object>> revisions = new ArrayList<>();
    for (Object one : ofPath) {
      if ((boolean) invoke(one, "isDeleted")) continue;
      revisions.add(Map.of("revision", invoke(one, v2 ? "getRevision" : "getVersion")));
    }
    revisions.sort(Comparator.comparing(one -> (Integer) one.get("revision")));
    return Reply.json(revisions);
  }

  /**
   * NamespaceFileController.listNamespaceDirectoryFiles: the direct children (Namespace.children), `fileName` and
   * `type` `File` or `Directory`; 404 for a missing folder.
   */
  private Reply directory(Namespace files, String path) throws IOException {
    String dir = path == null || path.isEmpty() ? "/" : path;
    List<Map<String, Object>> entries = new ArrayList<>();
    for (var child : files.children(dir, false)) {
      String childPath = child.getPath().replaceFirst("/$", "");
      entries.add(Map.of("fileName", childPath.substring(childPath.lastIndexOf('/') + 1), "type", child.isDirectory() ? "Directory" : "File", "size", child.getSize() == null ? 0L : child.getSize()));
    }
    if (entries.isEmpty() && !dir.equals("/") && !files.exists(Path.of(dir))) throw notFound("Directory not found: " + dir);
    return Reply.json(entries);
  }

  private Reply kvRoute(Request r, String m, String namespace, List<String> s) throws Exception {
    // KVController's store: 2.0 calls KVStoreService.get(tenant, namespace), which is get(tenant, namespace,
    // namespace); asked from the namespace itself, neither line checks that the namespace exists (with no `from`
    // namespace, both answer a KVStoreException, a 500, for a namespace without flows or keys).
    KVStore store = kv.get(TENANT, namespace, namespace);
    if (s.isEmpty() && m.equals("GET")) {
      if (v2) throw notFound(null);
      return Reply.json(kvEntries(store.list()));
    }
    if (s.size() != 1) throw notFound(null);
    String key = s.get(0);
    switch (m) {
      case "GET": {
        // KVController.getKeyValue: `{type, value}`; 404 when absent, 410 when expired.
        Optional<KVValue> value = store.getValue(key);
        if (value.isEmpty()) throw notFound("No value found for key '" + key + "' in namespace '" + namespace + "'");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", kvType(value.get().value()));
        body.put("value", value.get().value());
        return Reply.json(body);
      }
      case "PUT": {
        // KVController.setKeyValue: the text parsed as Ion (a superset of JSON), raw text when it does not parse.
        String text = r.text();
        Object value;
        try {
          value = JacksonMapper.ofIon().readValue(text, Object.class);
        } catch (IOException notIon) {
          value = text;
        }
        store.put(key, new KVValueAndMetadata(new KVMetadata(null, (java.time.Duration) null), value));
        return Reply.status(200);
      }
      case "DELETE":
        return Reply.json(store.delete(key));
      default:
        throw notFound(null);
    }
  }

  /** KVType.from as the controller answers it. */
  private static String kvType(Object value) {
    if (value instanceof String) return "STRING";
    if (value instanceof Number) return "NUMBER";
    if (value instanceof Boolean) return "BOOLEAN";
    if (value instanceof java.time.Duration) return "DURATION";
    if (value instanceof java.time.LocalDate) return "DATE";
    if (value instanceof java.time.temporal.Temporal) return "DATETIME";
    return "JSON";
  }

  private static List<Map<String, Object>> kvEntries(List<KVEntry> entries) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (KVEntry entry : entries) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("namespace", entry.namespace());
      one.put("key", entry.key());
      if (entry.description() != null) one.put("description", entry.description());
      if (entry.creationDate() != null) one.put("creationDate", entry.creationDate().toString());
      if (entry.updateDate() != null) one.put("updateDate", entry.updateDate().toString());
      if (entry.expirationDate() != null) one.put("expirationDate", entry.expirationDate().toString());
      out.add(one);
    }
    return out;
  }

  /**
   * KVController `GET P/kv`: a paged search of the KV metadata repository with the request's filters, deleted
   * and expired keys left out (`find(pageable, tenant, filters, false, false)`), each row a KVEntry.
   */
  private Reply kvSearch(Request r) throws Exception {
    Object repository = context.getBean(Class.forName("io.kestra.core.repositories.KvMetadataRepositoryInterface"));
    @SuppressWarnings("unchecked")
    ArrayListTotal<io.kestra.core.models.kv.PersistedKvMetadata> found = (ArrayListTotal<io.kestra.core.models.kv.PersistedKvMetadata>)
        invoke(repository, "find", pageable(r), TENANT, queryFilters(r), false, false);
    List<KVEntry> entries = new ArrayList<>();
    for (io.kestra.core.models.kv.PersistedKvMetadata one : found) entries.add(KVEntry.from(one));
    return Reply.json(Map.of("results", kvEntries(entries), "total", found.getTotal()));
  }

  /** SecretController `GET P/secrets`: SecretService.list's page, `{readOnly: true, results, total}` on OSS. */
  private Reply secrets(Request r) throws IOException {
    @SuppressWarnings("unchecked")
    ArrayListTotal<Object> names = context.getBean(SecretService.class).list(pageable(r), TENANT, queryFilters(r));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("readOnly", true);
    body.put("results", names);
    body.put("total", names.getTotal());
    return Reply.json(body);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Executions: ExecutionController

  private Reply executionRoute(Request r, String m, List<String> s) throws Exception {
    if (s.size() == 1 && s.get(0).equals("search") && m.equals("GET")) return searchExecutions(r);
    if (s.size() == 1 && m.equals("GET")) {
      Optional<Execution> execution = executions.findById(TENANT, s.get(0));
      if (execution.isEmpty()) throw notFound(null);
      return Reply.json(execution.get());
    }
    if (s.size() == 2 && m.equals("POST")) return createExecution(r, s.get(0), s.get(1));
    throw notFound(null);
  }

  /**
   * ExecutionController.createExecution: multipart inputs (text parts), `labels=key:value` query parameters, the
   * flow's latest revision (404 when absent, 409... when disabled); the execution built with Execution.newExecution
   * and the inputs read by FlowInputOutput, emitted on the execution queue, answered at once (no `wait`).
   */
  private Reply createExecution(Request r, String namespace, String id) throws Exception {
    Optional<Flow> found = flows.findById(TENANT, namespace, id);
    if (found.isEmpty()) throw notFound("Flow not found");
    Flow flow = found.get();
    if (flow.isDisabled()) throw new HttpError(422, "Illegal argument", "Cannot execute a disabled flow", "invalid-argument");
    Map<String, Object> inputs = new LinkedHashMap<>();
    if (r.contentType().startsWith("multipart/")) for (Part part : multipart(r)) inputs.put(part.name(), new String(part.bytes(), StandardCharsets.UTF_8));
    List<Label> labels = new ArrayList<>();
    for (String label : r.query().getOrDefault("labels", List.of())) {
      int colon = label.indexOf(':');
      if (colon < 1) throw new HttpError(422, "Illegal argument", "Invalid label " + label, "invalid-argument");
      labels.add(new Label(label.substring(0, colon), label.substring(colon + 1)));
    }
    FlowInputOutput inputOutput = context.getBean(FlowInputOutput.class);
    Execution execution = Execution.newExecution(flow, (f, e) -> inputOutput.readExecutionInputs(f, e, inputs), labels, Optional.empty());
    if (v2) {
      Object queue = context.getBean(Argument.of(Class.forName("io.kestra.core.queues.DispatchQueueInterface"), Execution.class));
      invoke(queue, "emit", execution);
    } else {
      Object queue = context.getBean(Argument.of(Class.forName("io.kestra.core.queues.QueueInterface"), Execution.class),
          io.micronaut.inject.qualifiers.Qualifiers.byName("executionQueue"));
      invoke(queue, "emit", execution);
    }
    return Reply.json(execution);
  }

  /**
   * ExecutionController.searchExecutions: `filters[field][OP]=value` (QueryFilterFormatBinder: IN takes one
   * comma-separated value, labels a third bracket), `page`/`size`, ExecutionRepository.find, PagedResults.
   */
  private Reply searchExecutions(Request r) throws Exception {
    ArrayListTotal<Execution> found = executions.find(pageable(r), TENANT, queryFilters(r));
    return Reply.json(Map.of("results", found, "total", found.getTotal()));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Dashboards: DashboardController (1.x, `/api/v1/{tenant}/dashboards`)

  /**
   * 1.3.31: the JDBC dashboard repository bean (H2DashboardRepository), the rest from DashboardController.
   * 2.0.0's jars carry no io.kestra.core.repositories.DashboardRepositoryInterface (nor any bean implementing
   * it): Kestra 2.0 moved dashboards to the Enterprise Edition. Its migration guide
   * (kestra.io/docs/migration-guide/v2.0.0/git-dashboard-tasks-moved-to-ee): "POST/PUT/DELETE
   * /api/v1/{tenant}/dashboards are now EE-only", answering "405 Method Not Allowed" on an open-source 2.0. A
   * 405 is Micronaut's answer for a URI whose routes take other methods, so the reads stay, with no store
   * behind them: an empty listing and no dashboard found. The validate POST is taken as moved with the writes.
   */
  private Reply dashboardRoute(Request r, String m, List<String> s) throws Exception {
    if (!classExists("io.kestra.core.repositories.DashboardRepositoryInterface")) {
      if (m.equals("GET") && s.isEmpty()) return Reply.json(Map.of("results", List.of(), "total", 0));
      if (m.equals("GET") && s.size() == 1) throw notFound(null);
      throw new HttpError(405, "Method Not Allowed",
          "Method [" + m + "] not allowed for URI [" + r.path() + "]. Allowed methods: [GET]", "method-not-allowed");
    }
    Object repository = context.getBean(Class.forName("io.kestra.core.repositories.DashboardRepositoryInterface"));
    if (s.isEmpty() && m.equals("GET")) {
      @SuppressWarnings("unchecked")
      ArrayListTotal<Dashboard> found = (ArrayListTotal<Dashboard>) invoke(repository, "list", pageable(r), TENANT, r.param("q"));
      return Reply.json(Map.of("results", found, "total", found.getTotal()));
    }
    if (s.isEmpty() && m.equals("POST")) return createDashboard(repository, r.text());
    if (s.size() == 1 && s.get(0).equals("validate") && m.equals("POST")) return validateDashboard(r.text());
    if (s.size() != 1) throw notFound(null);
    String id = s.get(0);
    @SuppressWarnings("unchecked")
    Optional<Dashboard> existing = (Optional<Dashboard>) invoke(repository, "get", TENANT, id);
    switch (m) {
      case "GET": {
        // getDashboard: a source stored before ids lived in the YAML gets an `id:` line first; null is a 404.
        if (existing.isEmpty()) throw notFound(null);
        Dashboard dashboard = existing.get();
        if (!Pattern.compile("^id:.*$", Pattern.MULTILINE).matcher(dashboard.getSourceCode()).find()) {
          dashboard = dashboard.toBuilder().sourceCode("id: " + dashboard.getId() + "\n" + dashboard.getSourceCode()).build();
        }
        return Reply.json(dashboard);
      }
      case "PUT": {
        // updateDashboard: 404 without a body when absent; another id in the YAML is a constraint violation.
        if (existing.isEmpty()) return Reply.status(404);
        Dashboard toSave = parseDashboard(r.text());
        if (!toSave.getId().equals(id)) throw idViolation("Illegal dashboard id update", toSave);
        context.getBean(ModelValidator.class).validate(toSave);
        return Reply.json(invoke(repository, "save", existing.get(), toSave, r.text()));
      }
      case "DELETE":
        // deleteDashboard: 204, or 404 when the repository answers null (JDBC throws IllegalStateException: 409).
        return Reply.status(invoke(repository, "delete", TENANT, id) != null ? 204 : 404);
      default:
        throw notFound(null);
    }
  }

  /** createDashboard: the id is mandatory (422 "Illegal argument"), validated, an existing id a violation; 200. */
  private Reply createDashboard(Object repository, String source) throws Exception {
    Dashboard parsed = parseDashboard(source);
    if (parsed.getId() == null) throw new IllegalArgumentException("Dashboard id is mandatory");
    context.getBean(ModelValidator.class).validate(parsed);
    if (((Optional<?>) invoke(repository, "get", TENANT, parsed.getId())).isPresent()) throw idViolation("Dashboard id already exists", parsed);
    return Reply.json(invoke(repository, "save", null, parsed, source));
  }

  /** validateDashboard: one ValidateConstraintViolation at index 0, the violation's text or "Unable to validate the dashboard: …". */
  private Reply validateDashboard(String source) throws IOException {
    var verdict = ValidateConstraintViolation.builder().index(0);
    try {
      context.getBean(ModelValidator.class).validate(YamlParser.parse(source, Dashboard.class).toBuilder().deleted(false).build());
    } catch (ConstraintViolationException violations) {
      verdict.constraints(violations.getMessage());
    } catch (RuntimeException other) {
      verdict.constraints("Unable to validate the dashboard: " + other.getMessage());
    }
    return Reply.json(verdict.build());
  }

  private static Dashboard parseDashboard(String source) {
    return YamlParser.parse(source, Dashboard.class).toBuilder().tenantId(TENANT).deleted(false).build();
  }

  private static ConstraintViolationException idViolation(String message, Dashboard dashboard) {
    return new ConstraintViolationException(Set.of(ManualConstraintViolation.of(message, dashboard, Dashboard.class, "dashboard.id", dashboard.getId())));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers

  /**
   * QueryFilterFormatBinder: `filters[<field>][<OP>]=value` (pattern `filters\[(.*?)]\[(.*?)](?:\[(.+)])?`), IN and
   * NOT_IN one comma-separated value, labels a third bracket, the label filters of one operation grouped into one.
   */
  private static List<QueryFilter> queryFilters(Request r) {
    List<QueryFilter> filters = new ArrayList<>();
    Map<String, Map<String, String>> labels = new LinkedHashMap<>();
    Pattern name = Pattern.compile("filters\\[(.*?)]\\[(.*?)](?:\\[(.+)])?");
    for (Map.Entry<String, List<String>> param : r.query().entrySet()) {
      Matcher matched = name.matcher(param.getKey());
      if (!matched.matches()) continue;
      String field = matched.group(1), op = matched.group(2), value = param.getValue().get(0);
      if (field.equals("labels")) {
        labels.computeIfAbsent(op, o -> new LinkedHashMap<>()).put(matched.group(3), value);
        continue;
      }
      String enumName = switch (field) {
        case "q" -> "QUERY";
        case "namespace" -> "NAMESPACE";
        case "flowId" -> "FLOW_ID";
        case "state" -> "STATE";
        case "startDate" -> "START_DATE";
        case "endDate" -> "END_DATE";
        default -> field.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase();
      };
      Object parsed = op.equals("IN") || op.equals("NOT_IN") ? Arrays.asList(value.split(",")) : value;
      filters.add(filter(enumName, op, parsed));
    }
    labels.forEach((op, keys) -> filters.add(filter("LABELS", op, keys)));
    return filters;
  }

  /**
   * PageableUtils.from(page, size, sort): the page as given (from 1), Kestra's repositories take offset minus
   * size; each `sort` is `field:asc` or `field:desc`.
   */
  private static Pageable pageable(Request r) {
    List<Sort.Order> orders = new ArrayList<>();
    for (String one : r.query().getOrDefault("sort", List.of())) {
      String[] parts = one.split(":");
      orders.add(parts.length > 1 && parts[1].equals("desc") ? Sort.Order.desc(parts[0]) : Sort.Order.asc(parts[0]));
    }
    return Pageable.from(intParam(r, "page", 1), intParam(r, "size", 10), orders.isEmpty() ? Sort.UNSORTED : Sort.of(orders));
  }

  private static QueryFilter filter(String field, String op, Object value) {
    Object builder = invokeStatic(QueryFilter.class, "builder");
    invoke(builder, "field", enumValue("io.kestra.core.models.QueryFilter$Field", field));
    invoke(builder, "operation", enumValue("io.kestra.core.models.QueryFilter$Op", op));
    invoke(builder, "value", value);
    return (QueryFilter) invoke(builder, "build");
  }

  /** PagedResults of a list the controller pages itself: `page` (from 1) and `size`, `{results, total}`. */
  private Reply paged(Request r, List<?> all) throws IOException {
    int page = intParam(r, "page", 1), size = intParam(r, "size", 10);
    int from = Math.min(all.size(), (page - 1) * size);
    return Reply.json(Map.of("results", all.subList(from, Math.min(all.size(), from + size)), "total", all.size()));
  }

  /** `@Min(1)` page and size: below 1 a 422, not a number a 400. */
  private static int intParam(Request r, String name, int fallback) {
    String value = r.param(name);
    if (value == null) return fallback;
    int parsed;
    try {
      parsed = Integer.parseInt(value);
    } catch (NumberFormatException notANumber) {
      throw new HttpError(400, "Bad Request", "Failed to convert argument [" + name + "] for value [" + value + "]", "bad-request");
    }
    if (parsed < 1) throw new HttpError(422, "Invalid entity", name + ": must be greater than or equal to 1", "invalid-entity");
    return parsed;
  }

  private record Part(String name, String filename, byte[] bytes) {}

  /** A multipart/form-data body, part by part (what Micronaut hands the controller as CompletedPart). */
  private static List<Part> multipart(Request r) {
    Matcher boundaryMatch = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(r.contentType());
    if (!boundaryMatch.find()) throw new HttpError(415, "Unsupported Media Type", "Unsupported Media Type: " + r.contentType(), "unsupported-media-type");
    byte[] body = r.body();
    byte[] delimiter = ("--" + boundaryMatch.group(1)).getBytes(StandardCharsets.ISO_8859_1);
    List<Part> parts = new ArrayList<>();
    int at = indexOf(body, delimiter, 0);
    while (at >= 0) {
      int start = at + delimiter.length;
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') break;
      start += 2; // CRLF after the delimiter
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
      if (headersEnd < 0) break;
      String headers = new String(body, start, headersEnd - start, StandardCharsets.UTF_8);
      int next = indexOf(body, ("\r\n--" + boundaryMatch.group(1)).getBytes(StandardCharsets.ISO_8859_1), headersEnd + 4);
      if (next < 0) break;
      Matcher partName = Pattern.compile("name=\"([^\"]*)\"").matcher(headers);
      Matcher fileName = Pattern.compile("filename=\"([^\"]*)\"").matcher(headers);
      parts.add(new Part(partName.find() ? partName.group(1) : "", fileName.find() ? fileName.group(1) : null, Arrays.copyOfRange(body, headersEnd + 4, next)));
      at = next + 2;
    }
    return parts;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) return query;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return query;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean classExists(String name) {
    try {
      Class.forName(name);
      return true;
    } catch (ClassNotFoundException missing) {
      return false;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object enumValue(String className, String name) {
    try {
      return Enum.valueOf((Class) Class.forName(className), name);
    } catch (ClassNotFoundException missing) {
      throw new IllegalStateException(missing);
    }
  }

  private static Object invokeStatic(Class<?> type, String name, Object... args) {
    return call(type, null, name, args);
  }

  /** A method of this release called by name: the two lines differ in signatures, not in what the call means. */
  private static Object invoke(Object target, String name, Object... args) {
    return call(target.getClass(), target, name, args);
  }

  private static Object call(Class<?> type, Object target, String name, Object[] args) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Method method : allMethods(c)) {
        if (!method.getName().equals(name) || method.getParameterCount() != args.length || !accepts(method, args)) continue;
        try {
          method.setAccessible(true);
          return method.invoke(target, args);
        } catch (InvocationTargetException thrown) {
          Throwable cause = thrown.getCause();
          if (cause instanceof RuntimeException runtime) throw runtime;
          throw new RuntimeException(cause);
        } catch (IllegalAccessException denied) {
          throw new IllegalStateException(denied);
        }
      }
    }
    throw new IllegalStateException("no method " + name + "/" + args.length + " on " + type.getName());
  }

  private static List<Method> allMethods(Class<?> c) {
    List<Method> methods = new ArrayList<>(Arrays.asList(c.getDeclaredMethods()));
    for (Class<?> i : c.getInterfaces()) methods.addAll(allMethods(i));
    return methods;
  }

  private static boolean accepts(Method method, Object[] args) {
    Class<?>[] types = method.getParameterTypes();
    for (int i = 0; i < args.length; i++) {
      if (args[i] == null) continue;
      Class<?> wanted = types[i].isPrimitive() ? boxed(types[i]) : types[i];
      if (!wanted.isInstance(args[i])) return false;
    }
    return true;
  }

  private static Class<?> boxed(Class<?> primitive) {
    if (primitive == boolean.class) return Boolean.class;
    if (primitive == int.class) return Integer.class;
    if (primitive == long.class) return Long.class;
    return Object.class;
  }
}
