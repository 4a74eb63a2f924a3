// Child process for the tests: "smoke" loads TorchSharp through the library's runtime check and differentiates a convolution.
// Exit codes: 0 done, 2 usage, 3 failed with an exception, 4 TorchSharp could not be loaded (our message on stderr).
using Microsoft.ML.Attribution.Runtime;
using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;

if (args.Length != 1 || args[0] != "smoke")
{
    Console.Error.WriteLine("usage: Microsoft.ML.Attribution.TorchSharpHost smoke");
    return 2;
}
try
{
    TorchSharpRuntime.EnsureLoaded();
    using DisposeScope scope = NewDisposeScope();
    Tensor input = ones(1, 1, 4, 4, requires_grad: true);
    Tensor output = nn.functional.conv2d(input, ones(1, 1, 3, 3));
    Tensor gradient = SafeAutograd.Grad([output.sum()], [input])[0];
    Console.WriteLine($"torch {torch.__version__} conv {output.sum().ItemAs<float>()} grad {gradient.sum().ItemAs<float>()}");
    return 0;
}
catch (TorchSharpLoadException e)
{
    Console.Error.WriteLine(e.Message);
    return 4;
}
catch (Exception e)
{
    Console.Error.WriteLine($"{e.GetType().Name}: {e.Message}");
    return 3;
}
