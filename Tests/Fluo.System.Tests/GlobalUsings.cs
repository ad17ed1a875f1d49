global using Fluo.Hosting;
global using Fluo.Hosting.Testing;
global using Xunit;
