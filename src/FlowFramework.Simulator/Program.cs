var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => Results.Json(new { name = "flow-sim", tagline = "The OpenSearch Project: https://opensearch.org/" }));
app.Run();
