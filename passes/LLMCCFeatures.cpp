//===- LLMCCFeatures.cpp - per-function features for llmcc hotspot scoring -===//
//
// An LLVM 22 pass plugin that summarises every defined function of a module (blocks,
// instructions, loops with SCEV trip counts, calls, branches, instruction mix) plus the
// direct call graph, as JSON. The schema is documented in llmcc/hotspots/features.py and
// the llvmlite fallback there computes the same fields; keep the two in step.
//
// Two ways in:
//  * clang-22 -fpass-plugin=libLLMCCFeatures.so ...: an OptimizerLastEP callback runs on
//    the optimized module, but only when LLMCC_FEATURES_OUT is set, so an ordinary compile
//    with the plugin loaded does no extra work. The pass never changes the IR, so the
//    object is byte-identical to a compile without the plugin.
//  * opt-22 -load-pass-plugin=libLLMCCFeatures.so -passes=llmcc-features x.bc
//    -disable-output: writes to LLMCC_FEATURES_OUT, or to stdout when it is unset.
//
//===----------------------------------------------------------------------===//

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Plugins/PassPlugin.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

using namespace llvm;

namespace {

constexpr const char *OutputEnvVar = "LLMCC_FEATURES_OUT";

// Library functions whose calls mark a function as I/O-bound. Mirrors IO_FUNCTIONS in
// llmcc/hotspots/features.py.
const char *const IOFunctionNames[] = {
    "printf",   "fprintf",  "vprintf",   "vfprintf", "puts",     "fputs",
    "putchar",  "fputc",    "putc",      "fwrite",   "fread",    "fgets",
    "fgetc",    "getc",     "getchar",   "scanf",    "fscanf",   "sscanf",
    "read",     "write",    "open",      "close",    "fopen",    "fclose",
    "fflush",   "perror",   "__printf_chk", "__fprintf_chk", "__isoc99_scanf",
    "__isoc99_fscanf", "__isoc99_sscanf", "fseek", "ftell", "rewind", "pread",
    "pwrite",   "send",     "recv",      "getline",  "dprintf",
};

bool isIOFunction(StringRef Name) {
  for (const char *IO : IOFunctionNames)
    if (Name == IO)
      return true;
  return false;
}

const char *linkageName(GlobalValue::LinkageTypes L) {
  switch (L) {
  case GlobalValue::ExternalLinkage: return "external";
  case GlobalValue::AvailableExternallyLinkage: return "available_externally";
  case GlobalValue::LinkOnceAnyLinkage: return "linkonce";
  case GlobalValue::LinkOnceODRLinkage: return "linkonce_odr";
  case GlobalValue::WeakAnyLinkage: return "weak";
  case GlobalValue::WeakODRLinkage: return "weak_odr";
  case GlobalValue::AppendingLinkage: return "appending";
  case GlobalValue::InternalLinkage: return "internal";
  case GlobalValue::PrivateLinkage: return "private";
  case GlobalValue::ExternalWeakLinkage: return "extern_weak";
  case GlobalValue::CommonLinkage: return "common";
  }
  return "external";
}

bool isIntArith(unsigned Opcode) {
  switch (Opcode) {
  case Instruction::Add: case Instruction::Sub: case Instruction::Mul:
  case Instruction::UDiv: case Instruction::SDiv: case Instruction::URem:
  case Instruction::SRem: case Instruction::Shl: case Instruction::LShr:
  case Instruction::AShr: case Instruction::And: case Instruction::Or:
  case Instruction::Xor:
    return true;
  default:
    return false;
  }
}

bool isFPOp(unsigned Opcode) {
  switch (Opcode) {
  case Instruction::FAdd: case Instruction::FSub: case Instruction::FMul:
  case Instruction::FDiv: case Instruction::FRem: case Instruction::FNeg:
  case Instruction::FCmp:
    return true;
  default:
    return false;
  }
}

// fmuladd, sqrt, fabs...: clang contracts a*b+c into llvm.fmuladd, so FP work would be
// invisible if only FP opcodes counted. Calls only (not invoke), as in features.py.
bool isFPIntrinsicCall(const Instruction &I) {
  const auto *Call = dyn_cast<CallInst>(&I);
  if (!Call || Call->isInlineAsm())
    return false;
  const auto *Callee =
      dyn_cast<Function>(Call->getCalledOperand()->stripPointerCasts());
  return Callee && Callee->isIntrinsic() && I.getType()->isFPOrFPVectorTy();
}

bool touchesVector(const Instruction &I) {
  if (I.getType()->isVectorTy())
    return true;
  return std::any_of(I.op_begin(), I.op_end(),
                     [](const Use &U) { return U->getType()->isVectorTy(); });
}

json::Value optionalCount(unsigned N) {
  // SCEV reports 0 for "unknown".
  return N ? json::Value(static_cast<int64_t>(N)) : json::Value(nullptr);
}

json::Object loopFeatures(LoopInfo &LI, ScalarEvolution &SE) {
  json::Array PerLoop;
  unsigned MaxDepth = 0;
  for (Loop *L : LI.getLoopsInPreorder()) {
    MaxDepth = std::max(MaxDepth, L->getLoopDepth());
    PerLoop.push_back(json::Object{
        {"depth", static_cast<int64_t>(L->getLoopDepth())},
        {"header", L->getHeader()->getName()},
        {"trip_count", optionalCount(SE.getSmallConstantTripCount(L))},
        {"max_trip_count", optionalCount(SE.getSmallConstantMaxTripCount(L))},
    });
  }
  int64_t Count = static_cast<int64_t>(PerLoop.size());
  return json::Object{{"count", Count},
                      {"max_depth", static_cast<int64_t>(MaxDepth)},
                      {"loops", std::move(PerLoop)}};
}

struct BodyCounts {
  int64_t Instructions = 0, CondBranches = 0, Switches = 0;
  int64_t DirectCalls = 0, IndirectCalls = 0, IntrinsicCalls = 0, InlineAsm = 0;
  int64_t Loads = 0, Stores = 0, FPOps = 0, IntOps = 0, VectorOps = 0, IOCalls = 0;
  std::set<std::string> Callees; // sorted, unique: the call-graph edges
  // Deepest loop around any call site of each callee: how often a caller's hot loop
  // runs it (the scorer passes hotness along call edges by this depth).
  std::map<std::string, unsigned> CalleeDepths;
};

void countCall(const CallBase &CB, BodyCounts &C, unsigned LoopDepth) {
  if (CB.isInlineAsm()) {
    ++C.InlineAsm;
    return;
  }
  const auto *Callee =
      dyn_cast<Function>(CB.getCalledOperand()->stripPointerCasts());
  if (!Callee) {
    ++C.IndirectCalls;
    return;
  }
  if (Callee->isIntrinsic()) {
    ++C.IntrinsicCalls;
    return;
  }
  ++C.DirectCalls;
  C.Callees.insert(Callee->getName().str());
  unsigned &Deepest = C.CalleeDepths[Callee->getName().str()];
  Deepest = std::max(Deepest, LoopDepth);
  if (isIOFunction(Callee->getName()))
    ++C.IOCalls;
}

BodyCounts countBody(const Function &F, const LoopInfo &LI) {
  BodyCounts C;
  for (const BasicBlock &BB : F) {
    unsigned LoopDepth = LI.getLoopDepth(&BB);
    for (const Instruction &I : BB) {
      ++C.Instructions;
      unsigned Op = I.getOpcode();
      if (const auto *BI = dyn_cast<BranchInst>(&I)) {
        if (BI->isConditional())
          ++C.CondBranches;
      } else if (isa<SwitchInst>(I)) {
        ++C.Switches;
      } else if (isa<LoadInst>(I)) {
        ++C.Loads;
      } else if (isa<StoreInst>(I)) {
        ++C.Stores;
      } else if (const auto *CB = dyn_cast<CallBase>(&I)) {
        countCall(*CB, C, LoopDepth);
      }
      if (isFPOp(Op) || isFPIntrinsicCall(I))
        ++C.FPOps;
      else if (isIntArith(Op))
        ++C.IntOps;
      if (touchesVector(I))
        ++C.VectorOps;
    }
  }
  return C;
}

json::Object functionFeatures(Function &F, FunctionAnalysisManager &FAM,
                              const BodyCounts &C) {
  json::Array Callees;
  for (const std::string &Name : C.Callees)
    Callees.push_back(Name);
  json::Object CalleeDepths;
  for (const auto &[Name, Depth] : C.CalleeDepths)
    CalleeDepths[Name] = static_cast<int64_t>(Depth);
  LoopInfo &LI = FAM.getResult<LoopAnalysis>(F);
  ScalarEvolution &SE = FAM.getResult<ScalarEvolutionAnalysis>(F);
  return json::Object{
      {"name", F.getName()},
      {"linkage", linkageName(F.getLinkage())},
      {"is_main", F.getName() == "main"},
      {"blocks", static_cast<int64_t>(F.size())},
      {"instructions", C.Instructions},
      {"loops", loopFeatures(LI, SE)},
      {"calls", json::Object{{"direct", C.DirectCalls},
                             {"indirect", C.IndirectCalls},
                             {"intrinsic", C.IntrinsicCalls},
                             {"inline_asm", C.InlineAsm},
                             {"callees", std::move(Callees)},
                             {"callee_depths", std::move(CalleeDepths)}}},
      {"cond_branches", C.CondBranches},
      {"switches", C.Switches},
      {"mix", json::Object{{"loads", C.Loads},
                           {"stores", C.Stores},
                           {"fp_ops", C.FPOps},
                           {"int_ops", C.IntOps},
                           {"vector_ops", C.VectorOps},
                           {"io_calls", C.IOCalls}}},
  };
}

json::Value moduleFeatures(Module &M, ModuleAnalysisManager &MAM) {
  FunctionAnalysisManager &FAM =
      MAM.getResult<FunctionAnalysisManagerModuleProxy>(M).getManager();
  json::Array Functions;
  json::Object CallGraph;
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    BodyCounts C = countBody(F, FAM.getResult<LoopAnalysis>(F));
    json::Array Edges;
    for (const std::string &Name : C.Callees)
      Edges.push_back(Name);
    CallGraph[F.getName()] = std::move(Edges);
    Functions.push_back(functionFeatures(F, FAM, C));
  }
  return json::Object{{"module", M.getModuleIdentifier()},
                      {"source", M.getSourceFileName()},
                      {"producer", "plugin"},
                      {"functions", std::move(Functions)},
                      {"call_graph", std::move(CallGraph)}};
}

// Write to a private temp name and rename, so a reader never sees half a file and two
// compiles racing on one path each leave a complete document.
void writeAtomically(StringRef Path, const json::Value &Doc) {
  std::string Tmp = (Path + ".tmp." + Twine(sys::Process::getProcessId())).str();
  {
    std::error_code EC;
    raw_fd_ostream OS(Tmp, EC, sys::fs::OF_Text);
    if (EC) {
      errs() << "llmcc-features: cannot write " << Tmp << ": " << EC.message()
             << "\n";
      return;
    }
    OS << Doc << "\n";
    OS.close();
    if (OS.has_error()) {
      OS.clear_error();
      sys::fs::remove(Tmp);
      return;
    }
  }
  if (std::error_code EC = sys::fs::rename(Tmp, Path)) {
    errs() << "llmcc-features: cannot rename to " << Path << ": "
           << EC.message() << "\n";
    sys::fs::remove(Tmp);
  }
}

const char *outputPath() {
  const char *Out = std::getenv(OutputEnvVar);
  return (Out && *Out) ? Out : nullptr;
}

struct FeaturesPass : PassInfoMixin<FeaturesPass> {
  // From opt a missing LLMCC_FEATURES_OUT means "print"; inside clang it means "off".
  bool PrintWhenUnset;
  explicit FeaturesPass(bool PrintWhenUnset) : PrintWhenUnset(PrintWhenUnset) {}

  PreservedAnalyses run(Module &M, ModuleAnalysisManager &MAM) {
    const char *Out = outputPath();
    if (!Out && !PrintWhenUnset)
      return PreservedAnalyses::all();
    json::Value Doc = moduleFeatures(M, MAM);
    if (Out)
      writeAtomically(Out, Doc);
    else
      outs() << Doc << "\n";
    return PreservedAnalyses::all();
  }

  // Run even on optnone functions / at -O0, where the pipeline skips optional passes.
  static bool isRequired() { return true; }
};

void registerCallbacks(PassBuilder &PB) {
  PB.registerPipelineParsingCallback(
      [](StringRef Name, ModulePassManager &MPM,
         ArrayRef<PassBuilder::PipelineElement>) {
        if (Name != "llmcc-features")
          return false;
        MPM.addPass(FeaturesPass(/*PrintWhenUnset=*/true));
        return true;
      });
  PB.registerOptimizerLastEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel, ThinOrFullLTOPhase) {
        // Checked once here too, so a normal compile adds not even an empty pass.
        if (outputPath())
          MPM.addPass(FeaturesPass(/*PrintWhenUnset=*/false));
      });
}

} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "LLMCCFeatures", "0.1", registerCallbacks};
}
