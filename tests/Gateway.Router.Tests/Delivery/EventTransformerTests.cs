using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Gateway.Router.Delivery;

namespace Gateway.Router.Tests.Delivery;

public sealed class EventTransformerTests
{
    private static readonly TransformOptions Limits = new();

    [Fact]
    public void Transform_ObjectBody_ReturnsJsonRequestWithHeadersPathAndMethod()
    {
        var transformer = Compile("""
            function transform(event) {
              return {
                body: { email: event.data.customer.email, id: event.id },
                headers: { "X-Tenant": "acme", "X-Attempt": 1 },
                path: "/contacts/" + encodeURIComponent(event.subject),
                method: "put"
              };
            }
            """);

        var outcome = transformer.Transform(Event("""{"customer": {"email": "ada@example.com"}}"""), default);

        var request = Assert.IsType<TransformedRequest>(outcome);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("ada@example.com", body.RootElement.GetProperty("email").GetString());
        Assert.Equal("evt_1", body.RootElement.GetProperty("id").GetString());
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("acme", request.Headers["x-tenant"]);
        Assert.Equal("1", request.Headers["X-Attempt"]);
        Assert.Equal("/contacts/cus%2042", request.Path);
        Assert.Equal(HttpMethod.Put, request.Method);
    }

    [Fact]
    public void Transform_EventAttributes_AreVisibleToTheScript()
    {
        var transformer = Compile("""
            function transform(e) {
              return { body: [e.specversion, e.id, e.source, e.type, e.subject, e.time,
                              e.datacontenttype, e.data.n, e.headers["stripe-signature"]] };
            }
            """);

        var outcome = transformer.Transform(Event("""{"n": 7}"""), default);

        var request = Assert.IsType<TransformedRequest>(outcome);
        Assert.Equal(
            """["1.0","evt_1","stripe","com.stripe.customer.created","cus 42","2026-03-01T10:00:00Z","""
            + "\"application/json\",7,\"t=1,v1=abc\"]",
            Encoding.UTF8.GetString(request.Body.Span));
    }

    [Theory]
    [InlineData("text/plain", "hello", "\"hello\"")]
    [InlineData("application/json", "not { json", "\"not { json\"")]
    [InlineData("application/cloudevents+json; charset=utf-8", """{"a":1}""", """{"a":1}""")]
    [InlineData("application/x-www-form-urlencoded", "a=1&b=2", "\"a=1&b=2\"")]
    [InlineData("application/json", "", "null")]
    public void Transform_DataByContentType_ParsedOnlyWhenJson(string contentType, string data, string expected)
    {
        var transformer = Compile("function transform(e) { return { body: JSON.stringify(e.data) }; }");

        var outcome = transformer.Transform(Event(data, contentType), default);

        var request = Assert.IsType<TransformedRequest>(outcome);
        Assert.Equal(expected, Encoding.UTF8.GetString(request.Body.Span));
    }

    [Theory]
    [InlineData("return { body: 'plain' };", "text/plain; charset=utf-8")]
    [InlineData("return { body: '<a/>', headers: { 'Content-Type': 'application/xml' } };", "application/xml")]
    [InlineData("return { body: { a: 1 } };", "application/json")]
    [InlineData("return { body: 42 };", "application/json")]
    [InlineData("return { method: 'DELETE' };", null)]
    public void Transform_BodyKinds_SetContentType(string statement, string? expected)
    {
        var transformer = Compile($"function transform(e) {{ {statement} }}");

        var request = Assert.IsType<TransformedRequest>(transformer.Transform(Event("{}"), default));

        Assert.Equal(expected, request.ContentType);
        Assert.False(request.Headers.ContainsKey("content-type"));
    }

    [Theory]
    [InlineData("return null;")]
    [InlineData("return undefined;")]
    [InlineData("if (e.data.n > 5) { return { body: e.data }; }")]
    public void Transform_NullOrUndefined_SkipsTheEvent(string statement)
    {
        var transformer = Compile($"function transform(e) {{ {statement} }}");

        Assert.IsType<TransformSkipped>(transformer.Transform(Event("""{"n": 1}"""), default));
    }

    [Fact]
    public void Transform_EndlessLoop_FailsWithStatementLimit()
    {
        var transformer = Compile("function transform(e) { while (true) { } }");

        var failed = Assert.IsType<TransformFailed>(transformer.Transform(Event("{}"), default));

        Assert.Equal(TransformError.StatementLimit, failed.Error);
    }

    [Fact]
    public void Transform_EndlessLoopUnderHighStatementLimit_FailsWithTimeout()
    {
        var limits = new TransformOptions { MaxStatements = int.MaxValue, Timeout = TimeSpan.FromMilliseconds(300) };
        var transformer = EventTransformer.Compile("function transform(e) { for (;;) { } }", limits);

        var failed = Assert.IsType<TransformFailed>(transformer.Transform(Event("{}"), default));

        Assert.Equal(TransformError.Timeout, failed.Error);
    }

    [Fact]
    public void Transform_DeepRecursion_FailsWithRecursionLimit()
    {
        var transformer = Compile("""
            function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); }
            function transform(e) { return { body: depth(100) }; }
            """);

        var failed = Assert.IsType<TransformFailed>(transformer.Transform(Event("{}"), default));

        Assert.Equal(TransformError.RecursionLimit, failed.Error);
    }

    [Fact]
    public void Transform_RecursionWithinLimit_Succeeds()
    {
        var transformer = Compile("""
            function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); }
            function transform(e) { return { body: depth(30) }; }
            """);

        var request = Assert.IsType<TransformedRequest>(transformer.Transform(Event("{}"), default));

        Assert.Equal("30", Encoding.UTF8.GetString(request.Body.Span));
    }

    [Fact]
    public void Transform_HugeAllocation_FailsWithMemoryLimit()
    {
        var limits = new TransformOptions { MaxStatements = int.MaxValue, Timeout = TimeSpan.FromSeconds(30) };
        var transformer = EventTransformer.Compile("""
            function transform(e) {
              var chunks = [];
              for (var i = 0; i < 1000000; i++) { chunks.push(new Array(1000).fill(i)); }
              return { body: chunks.length };
            }
            """, limits);

        var failed = Assert.IsType<TransformFailed>(transformer.Transform(Event("{}"), default));

        Assert.Equal(TransformError.MemoryLimit, failed.Error);
    }

    [Fact]
    public void Transform_ScriptThrows_FailsWithItsMessage()
    {
        var transformer = Compile("function transform(e) { throw new Error('no email on ' + e.id); }");

        var failed = Assert.IsType<TransformFailed>(transformer.Transform(Event("{}"), default));

        Assert.Equal(TransformError.ScriptError, failed.Error);
        Assert.Contains("no email on evt_1", failed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("require('fs')")]
    [InlineData("eval('1 + 1')")]
    [InlineData("new Function('return 1')()")]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd')")]
    [InlineData("importNamespace('System.IO')")]
    [InlineData("fetch('http://169.254.169.254/')")]
    [InlineData("new XMLHttpRequest()")]
    [InlineData("process.env")]
    [InlineData("e.data.missing.deeper")]
    public void Transform_SandboxEscapeOrRuntimeError_FailsAsScriptError(string expression)
    {
        var transformer = Compile($"function transform(e) {{ return {{ body: {expression} }}; }}");

        var failed = Assert.IsType<TransformFailed>(transformer.Transform(Event("{}"), default));

        Assert.Equal(TransformError.ScriptError, failed.Error);
    }

    [Theory]
    [InlineData("return 42;")]
    [InlineData("return 'body';")]
    [InlineData("return [1, 2];")]
    [InlineData("return { method: 'TRACE' };")]
    [InlineData("return { method: 5 };")]
    [InlineData("return { path: 'contacts' };")]
    [InlineData("return { path: '//evil.example/x' };")]
    [InlineData("return { path: '/a/../admin' };")]
    [InlineData("return { path: '/a b' };")]
    [InlineData("return { path: '/a\\\\b' };")]
    [InlineData("return { headers: { Host: 'evil.example' } };")]
    [InlineData("return { headers: { 'Content-Length': '1' } };")]
    [InlineData("return { headers: { 'X-A': 'one\\r\\nX-B: two' } };")]
    [InlineData("return { headers: { 'bad name': 'x' } };")]
    [InlineData("return { headers: { 'X-A': { nested: 1 } } };")]
    [InlineData("return { headers: ['X-A'] };")]
    [InlineData("return { body: function () {} };")]
    public void Transform_InvalidResult_FailsAsInvalidResult(string statement)
    {
        var transformer = Compile($"function transform(e) {{ {statement} }}");

        var failed = Assert.IsType<TransformFailed>(transformer.Transform(Event("{}"), default));

        Assert.Equal(TransformError.InvalidResult, failed.Error);
    }

    [Fact]
    public void Transform_GlobalStateFromEarlierEvent_DoesNotLeak()
    {
        var transformer = Compile("var seen = 0; function transform(e) { seen++; return { body: seen }; }");

        var first = Assert.IsType<TransformedRequest>(transformer.Transform(Event("{}"), default));
        var second = Assert.IsType<TransformedRequest>(transformer.Transform(Event("{}"), default));

        Assert.Equal("1", Encoding.UTF8.GetString(first.Body.Span));
        Assert.Equal("1", Encoding.UTF8.GetString(second.Body.Span));
    }

    [Fact]
    public async Task Transform_ManyThreadsAtOnce_EachGetsItsOwnResult()
    {
        var transformer = Compile("function transform(e) { return { body: { n: e.data.n * 2 } }; }");

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(n => Task.Run(() =>
        {
            var outcome = transformer.Transform(Event($$"""{"n": {{n}}}"""), default);
            var request = Assert.IsType<TransformedRequest>(outcome);
            using var body = JsonDocument.Parse(request.Body);
            return (n, doubled: body.RootElement.GetProperty("n").GetInt32());
        })));

        Assert.All(results, r => Assert.Equal(r.n * 2, r.doubled));
    }

    [Fact]
    public void Transform_Cancelled_ThrowsOperationCanceled()
    {
        var limits = new TransformOptions { MaxStatements = int.MaxValue, Timeout = TimeSpan.FromMinutes(1) };
        var transformer = EventTransformer.Compile("function transform(e) { while (true) { } }", limits);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.ThrowsAny<OperationCanceledException>(() => transformer.Transform(Event("{}"), cancellation.Token));
    }

    [Theory]
    [InlineData("function transform(e) { return {", "does not parse")]
    [InlineData("function other(e) { return {}; }", "does not define function transform")]
    [InlineData("var transform = 5;", "does not define function transform")]
    [InlineData("throw new Error('boom'); function transform(e) {}", "fails while loading")]
    [InlineData("while (true) {} function transform(e) {}", "fails while loading")]
    public void Compile_InvalidScript_ThrowsFormatException(string source, string expected)
    {
        var error = Assert.Throws<FormatException>(() => EventTransformer.Compile(source, Limits));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRecord_BinaryModeHeaders_ReadsAttributesAndProviderHeaders()
    {
        var headers = new Headers
        {
            { "ce_specversion", "1.0"u8.ToArray() },
            { "ce_id", "evt_9"u8.ToArray() },
            { "ce_source", "shopify"u8.ToArray() },
            { "ce_type", "com.shopify.orders/create"u8.ToArray() },
            { "content-type", "application/json"u8.ToArray() },
            { "http-X-Shopify-Topic", "orders/create"u8.ToArray() },
            { "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8.ToArray() },
        };

        var cloudEvent = TransformEvent.FromRecord(headers, "{}"u8.ToArray());

        Assert.Equal("evt_9", cloudEvent.Id);
        Assert.Equal("shopify", cloudEvent.Source);
        Assert.Equal("com.shopify.orders/create", cloudEvent.Type);
        Assert.Null(cloudEvent.Subject);
        Assert.Equal("application/json", cloudEvent.DataContentType);
        Assert.Equal("orders/create", Assert.Single(cloudEvent.Headers).Value);
        Assert.Equal("x-shopify-topic", cloudEvent.Headers.Keys.Single());
    }

    [Fact]
    public void FromRecord_NoId_Throws() =>
        Assert.Throws<ArgumentException>(() => TransformEvent.FromRecord(new Headers(), null));

    [Theory]
    [InlineData("https://crm.example", null, "https://crm.example/")]
    [InlineData("https://crm.example", "/crm/v3/objects/contacts", "https://crm.example/crm/v3/objects/contacts")]
    [InlineData("https://crm.example/api/", "/orders", "https://crm.example/api/orders")]
    [InlineData("https://crm.example/api?key=1", "/orders", "https://crm.example/api/orders?key=1")]
    [InlineData("https://crm.example/api?key=1", "/orders?x=2", "https://crm.example/api/orders?x=2&key=1")]
    [InlineData("https://crm.example/api", "?x=2", "https://crm.example/api?x=2")]
    public void ToHttpRequest_Path_AppendedToDestinationUrl(string destination, string? path, string expected)
    {
        var transformed = new TransformedRequest(
            "{}"u8.ToArray(), "application/json", new Dictionary<string, string> { ["X-A"] = "1" }, path, null);

        using var request = transformed.ToHttpRequest(new Uri(destination), HttpMethod.Post);

        Assert.Equal(expected, request.RequestUri!.AbsoluteUri);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("1", request.Headers.GetValues("X-A").Single());
    }

    [Theory]
    [InlineData(0, 16_777_216, 1, 1, "Router:Transform:Timeout")]
    [InlineData(1000, 1000, 1, 1, "Router:Transform:MemoryLimitBytes")]
    [InlineData(1000, 16_777_216, 0, 1, "Router:Transform:MaxStatements")]
    [InlineData(1000, 16_777_216, 1, 0, "Router:Transform:MaxRecursionDepth")]
    public void Validate_LimitOutOfRange_NamesTheKey(
        int timeoutMs, long memory, int statements, int depth, string expectedKey)
    {
        var options = new TransformOptions
        {
            Timeout = TimeSpan.FromMilliseconds(timeoutMs),
            MemoryLimitBytes = memory,
            MaxStatements = statements,
            MaxRecursionDepth = depth,
        };

        var result = new TransformOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expectedKey, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new TransformOptionsValidator().Validate(null, new TransformOptions()).Succeeded);

    private static EventTransformer Compile(string source) => EventTransformer.Compile(source, Limits);

    private static TransformEvent Event(string data, string contentType = "application/json") =>
        new(
            "evt_1",
            "stripe",
            "com.stripe.customer.created",
            "cus 42",
            "2026-03-01T10:00:00Z",
            contentType,
            Encoding.UTF8.GetBytes(data),
            new Dictionary<string, string> { ["stripe-signature"] = "t=1,v1=abc" });
}
