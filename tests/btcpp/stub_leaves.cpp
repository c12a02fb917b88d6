// Stub leaves for BehaviorTree.CPP, registered into a behaviortreepy factory.
//
// behaviortreepy 0.1.4 registers Python callbacks without ports, and BehaviorTree.CPP
// refuses any attribute that is not a declared port; our leaves all have some. This
// library adds node types *with* ports to the factory behaviortreepy built, so its own
// XML parser and executor load and tick our exports. Each tick asks a callback (the
// test, through ctypes) for the status, and passes it the node's literal inputs.
// Ports are strings, so values BT.CPP's SetBlackboard writes read back as text.
#include <string>
#include <sstream>
#include <typeinfo>

#include "behaviortree_cpp/bt_factory.h"

namespace {

using Callback = int (*)(const char* registration_id, const char* name, const char* inputs);

class StubLeaf : public BT::ActionNodeBase {
public:
  StubLeaf(const std::string& name, const BT::NodeConfig& config, std::string id, Callback callback)
    : ActionNodeBase(name, config), id_(std::move(id)), callback_(callback) {}

  void halt() override { resetStatus(); }

  BT::NodeStatus tick() override {
    std::string inputs;
    for (const auto& [port, remap] : config().input_ports) {
      auto value = getInput<std::string>(port);
      inputs += port + "=" + (value ? value.value() : std::string("<unset>")) + "\n";
    }
    switch (callback_(id_.c_str(), name().c_str(), inputs.c_str())) {
      case 0: return BT::NodeStatus::SUCCESS;
      case 1: return BT::NodeStatus::FAILURE;
      default: return BT::NodeStatus::RUNNING;
    }
  }

private:
  std::string id_;
  Callback callback_;
};

}  // namespace

extern "C" {

// The type_info pybind11's conduit needs to hand out the factory's C++ pointer.
const void* btcpp_factory_type_info() { return &typeid(BT::BehaviorTreeFactory); }
const void* btcpp_type_info_type_info() { return &typeid(std::type_info); }

// ports: one "in:NAME" or "out:NAME" per line. Returns 0, or 1 with the error in `error`.
int btcpp_register_stub(void* factory_ptr, const char* id, int is_condition, const char* ports,
                        Callback callback, char* error, int error_size) {
  try {
    auto* factory = static_cast<BT::BehaviorTreeFactory*>(factory_ptr);
    BT::TreeNodeManifest manifest;
    manifest.type = is_condition ? BT::NodeType::CONDITION : BT::NodeType::ACTION;
    manifest.registration_ID = id;
    std::istringstream lines(ports);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("in:", 0) == 0) manifest.ports.insert(BT::InputPort<std::string>(line.substr(3)));
      else if (line.rfind("out:", 0) == 0) manifest.ports.insert(BT::OutputPort<std::string>(line.substr(4)));
    }
    std::string registration = id;
    factory->registerBuilder(manifest, [registration, callback](const std::string& name,
                                                               const BT::NodeConfig& config) {
      return std::make_unique<StubLeaf>(name, config, registration, callback);
    });
    return 0;
  } catch (const std::exception& e) {
    snprintf(error, error_size, "%s", e.what());
    return 1;
  }
}

}  // extern "C"
